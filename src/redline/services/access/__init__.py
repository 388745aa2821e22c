"""Accounts and access: users, organisations, passwords, login throttling, API tokens, signing keys."""
