"""Signalen: warnings on a dossier (overdue promise, ping-pong, many handoffs, late escalation, no contact)."""
