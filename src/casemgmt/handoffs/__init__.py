"""Overdrachten: a dossier or question moving to another service or employee with its context, and ping-pong."""
