"""Patrol campaigns: regulators run probes over many providers' samples ("use technology to manage technology")."""
