"""Reminders: the time-based notifications (due today, overdue, past the norm), written by ``sweep``; above the
casework concepts, as it reads commitments and escalations."""
