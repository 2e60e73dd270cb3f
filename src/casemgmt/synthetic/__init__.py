"""Synthetic data: the ``casemgmt generate`` municipality and the ``casemgmt demo`` municipality, one bulk writer.

- ``writer.py``: the bulk writer both use (ids assigned, COPY on PostgreSQL / executemany on SQLite, sequences
  synced, ANALYZE at the end; assignment rows through ``casemgmt.dossiers.involvement``);
- ``numbers.py``: valid BSNs (``bsn_from``);
- ``generator.py``: a municipality of a given size calibrated to the seed report, deterministic per seed;
- ``demo.py``: the demo municipality (employees, clients, everyday dossiers from ``themes.toml`` and the seed's
  stories), with ``promises.py`` (commitments, handoffs, escalations) and ``pilot.py`` (the example pilot);
- ``stories.py`` and ``stories/*.toml``: the demo's scripted stories as data files.
"""
