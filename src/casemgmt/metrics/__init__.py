"""Pilot measures: the statistics behind every figure (pure functions in ``statistics``), and — built on top of them —
the measures engine, the evaluator dashboard, trends and exports."""
