"""redline: China's security-assessment rules for new internet technologies, as code."""

__version__ = "0.1.0"
