"""Submission packages: a filing's sealed record carried to another installation, and checked there."""
