"""Backing up and restoring an installation."""
