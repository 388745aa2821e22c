"""Background work: jobs and their back-ends, heartbeats, deadline reminders and how they are delivered."""
