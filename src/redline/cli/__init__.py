"""The `redline` command line: thin commands over the services."""
