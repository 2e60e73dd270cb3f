"""Reminders (herinneringen): what casemgmt tells employees without being asked, on time. ``sweep.py`` writes the
time-based notifications (due today, overdue, past the norm); ``digest.py`` composes the daily digest (dagoverzicht)
and writes its mails to the outbox (``mail/``). Above the casework concepts, like ``casefile/``: it reads commitments
and escalations directly."""
