"""The background job machinery: submitting, running, queueing (procrastinate on PostgreSQL), heartbeats."""
