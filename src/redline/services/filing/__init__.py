"""Filings and their review: creating, answering, submitting and listing filings, their deadlines, the
regulators' review, and the written documents they issue."""
