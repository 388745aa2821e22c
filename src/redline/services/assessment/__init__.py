"""Judging a change and running an assessment from the provider's own files: no database involved."""
