"""The name and version of the probe-run document's schema (its models: document.py; its content: run_content.py)."""

SCHEMA = "redline/probe-run"
VERSION = 2
