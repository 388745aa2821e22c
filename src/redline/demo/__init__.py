"""The fictional demo installation: organisations, accounts, filings and a patrol campaign to try every flow."""
