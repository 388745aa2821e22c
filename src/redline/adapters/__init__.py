"""Adapters to the outside world that know nothing of redline's use cases: uploaded archives, outbound URLs."""
