"""Reminders (herinneringen): what casemgmt tells employees without being asked. ``digest.py`` composes the daily
digest (dagoverzicht) from the commitments and escalations directly; it sits above the casework concepts, like
``casefile/``, and writes its mails to the outbox (``mail/``)."""
