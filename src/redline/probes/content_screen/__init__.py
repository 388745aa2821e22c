"""content-screen: screen user-facing text for listed terms and injected spam (issue 7)."""
