"""Pilots (issue 5): pilot definitions loaded from TOML files in ``pilots/``, the enrolment of dossiers in a pilot's
``pilot`` or ``control`` cohort, time registration on dossiers, and the cost rules that turn time into money. The
measures engine and the evaluator dashboard build on these tables."""
