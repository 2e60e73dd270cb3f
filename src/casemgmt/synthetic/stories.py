"""The demo municipality's scripted stories (the seed's cases), read from the data files in ``stories/*.toml``.

Each file tells one story, in the order of its name; a file holds any of these arrays of tables:

- ``clients``: a person or organisation by ``name``, with fixed ``phone``, ``email``, ``address`` and
  ``representatives`` (``since_days``/``until_days`` before today). What a client does not give is drawn from the
  demo's ``random.Random(2013)``, in this order: pseudonym, BSN (persons), phone (a mobile number), address.
- ``dossiers``: a dossier with a fixed ``ref``, the ``client`` by name, ``status`` (and ``outcome`` when closed), its
  casemanager and one accountmanager per service (e-mail addresses). It opens ``opened.days`` business days before
  today at ``opened.at`` (Europe/Amsterdam) and closes on its ``closed.days`` at 17:00; every assignment starts at the
  opening. Its ``contacts`` happen ``day`` business days before today at ``at``, all on the dossier's ``topic``.
  A dossier and a contact may carry ``external_refs`` (references of other systems, such as ``DB-2026-11873``).
- ``handoffs`` and ``escalations``: on the n-th open demo dossier with a current SZW accountmanager (``dossier``), by
  e-mail address or ``am:<service>`` (that dossier's current accountmanager of the service), at moments counted back
  from now (``requested``, ``asked``) — see the files for the rules.
- ``promised``: a dossier created with the demo's promises (the parking-space story): times count from now, its
  contacts and commitments come ``after`` the opening.

The demo municipality (``casemgmt.synthetic.demo`` and ``.promises``) turns them into rows for the bulk writer.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

Table = dict[str, Any]


def span(value: Table) -> timedelta:
    """``{days = …, hours = …}`` as a duration."""
    return timedelta(days=value.get("days", 0), hours=value.get("hours", 0))


def minute_of_day(clock: str) -> int:
    """``"09:12"`` as minutes after midnight."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class Stories(NamedTuple):
    """The arrays of all story files, one per section (see the module docstring)."""

    clients: list[Table]
    dossiers: list[Table]
    handoffs: list[Table]
    escalations: list[Table]
    promised: list[Table]

    def dossier(self, ref: str) -> Table:
        return next(d for d in self.dossiers if d["ref"] == ref)


@cache
def load_stories() -> Stories:
    """Every story file in name order, its arrays appended to one another (a section no file has is empty)."""
    sections: dict[str, list[Table]] = {name: [] for name in Stories._fields}
    folder = files("casemgmt.synthetic") / "stories"
    for path in sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - set(sections)
        if unknown:
            raise ValueError(f"{path.name}: unknown sections {sorted(unknown)}")
        for name, rows in data.items():
            sections[name].extend(rows)
    return Stories(**sections)


@cache
def load_themes() -> Table:
    """``themes.toml``: the everyday dossiers' themes and the topics of calls without a dossier."""
    return tomllib.loads((files("casemgmt.synthetic") / "themes.toml").read_text(encoding="utf-8"))


@cache
def load_words() -> Table:
    """``vocabulary.toml``: the names, streets, subjects and texts the generated municipality is written with."""
    return tomllib.loads((files("casemgmt.synthetic") / "vocabulary.toml").read_text(encoding="utf-8"))
