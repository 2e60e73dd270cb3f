"""The audit log (logboek): who read or changed which personal data, when, and why. Append-only."""
