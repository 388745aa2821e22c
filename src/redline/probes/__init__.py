"""Probes: turn evidence into facts. The interface, the runner and the built-in probes."""
