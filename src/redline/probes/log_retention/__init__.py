"""The log-retention probe: required fields (2018 rule Art. 5(3)) and six months of logs (Cybersecurity Law)."""
