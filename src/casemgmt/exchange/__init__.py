"""Exchange: dossiers as JSON Lines (export, all-or-nothing import), and their schema.

- ``schema.py``: the line contract of issue 6 as pydantic models, with Dutch messages and field paths;
- ``export.py``: one dossier per line, read in keyset batches (bounded memory), for the CLI and the streamed API;
- ``importer.py``: validates every line against the contract, the rules and the database, writes in batches, and
  refuses the whole file (writing nothing) when any line is invalid;
- ``cli.py`` and ``controllers.py``: the commands and the ``/api/v1/dossiers/export|import`` endpoints.
"""
