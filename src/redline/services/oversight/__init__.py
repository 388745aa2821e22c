"""What regulators do with a filing: review, comments, decisions, and the written documents they issue."""
