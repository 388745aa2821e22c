"""Use cases: each takes plain inputs, works through the domain and returns results."""
