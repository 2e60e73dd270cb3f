"""Notifications (meldingen): events for one employee — assigned, requested, answered, due, overdue — shown in the app
(the bell, Meldingen) and, by each person's choice per kind, by e-mail at once or in the daily overview."""
