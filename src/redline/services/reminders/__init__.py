"""Deadline reminders: who is told, by e-mail or signed webhook, of which deadline and when."""
