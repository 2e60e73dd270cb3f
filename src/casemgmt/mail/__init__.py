"""Outgoing mail (uitgaande mail): the outbox every notification mail is written to, and the sender that delivers it
over SMTP exactly once, also with several hosts sending at the same time. Low in the layers: it knows users, not
casework; what a mail says is composed above it (``reminders/digest.py``; the notifications' "e-mail at once")."""
