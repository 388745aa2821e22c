"""The kept record: audit checkpoints, receipts, and submission packages that carry it elsewhere."""
