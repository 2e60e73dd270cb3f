"""The evaluator dashboard (``/pilots``, ``/pilots/{slug}``) and management trends (``/trends``).

Figures only, never personal data: pseudonymised aggregates from the measures engine and SQL aggregates per service
and month, charted as server-rendered SVG (``charts.py`` computes the geometry, ``templates/dashboard/_charts.html``
draws it) with the same numbers in a data table.
"""
