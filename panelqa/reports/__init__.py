"""The read side of the ledger and the commitments tracker: filter, total, follow-ups."""
