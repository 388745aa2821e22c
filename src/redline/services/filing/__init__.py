"""Filings on the platform: creating, answering, submitting, listing them, and their deadlines."""
