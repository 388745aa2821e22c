"""The kept record: signed audit checkpoints and receipts."""
