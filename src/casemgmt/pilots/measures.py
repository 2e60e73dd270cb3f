"""The catalogue of pilot measures (DESIGN.md, "The measures"): one entry per measure, read by every screen and file;
the entries themselves (codes, Dutch texts, kinds) are data, in ``measures.toml`` beside this module.

Each ``Measure`` carries its code (the JSON key of the metrics API, the ``measure`` column of the exports), its Dutch
label and definition as the dashboard shows them, the label and definition the export files use (their wording was
fixed by issue 5 and stays), its kind (``share``, ``mean``, ``duration``, ``cost``), its direction (for a
lower-is-better share a target is a maximum) and its target key in the pilot file (``[targets]`` in
``pilots/*.toml``; shares only). The engine, the exports, the dashboard, the trends, the pilot-file validation and
the tests read their measure lists from here.

It lives beside the pilot files (``pilots/``) because the pilot file names its targets and primary outcome by these
codes, and ``metrics`` and ``dashboard`` already depend on ``pilots``: no import cycle. No imports from the rest of
the application.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType
from typing import Final, Literal, get_args

Kind = Literal["share", "mean", "duration", "cost"]
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Measure:
    code: str
    kind: Kind
    label: str
    """The Dutch name on the dashboard."""
    definition: str
    """The Dutch definition on the dashboard."""
    export_label: str
    """The Dutch name in the exports (the rows and the sheet "Definities")."""
    export_definition: str
    """The Dutch definition in the sheet "Definities" of the XLSX export."""
    direction: Direction = "higher"
    """Which way is better; for ``lower`` a target is a maximum."""
    primary_rank: int | None = None
    """Set when a pilot may name this measure its primary outcome (a dossier-level 0/1 outcome): its place among
    those choices in the pilot file's documentation and messages (1 = ``resolved_share``, the usual choice)."""
    outcome_unit: str = ""
    """For dossier-level outcomes: what one success is (for the ICER: cost per extra …)."""
    n_unit: str = ""
    """What n counts, in the plural ("inkomende klantcontacten")."""

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"

    @property
    def target_key(self) -> str | None:
        """The key of this measure's target in the pilot file's ``[targets]``: a share's code (None: no target can be
        set)."""
        return self.code if self.kind == "share" else None


def _catalogue() -> tuple[Measure, ...]:
    """The entries of ``measures.toml`` (beside this module), in their order; a wrong kind or direction stops the
    import, so a mistyped catalogue never reaches a screen."""
    entries = tomllib.loads((files("casemgmt.pilots") / "measures.toml").read_text(encoding="utf-8"))["measure"]
    measures = tuple(Measure(**entry) for entry in entries)
    for entry in measures:
        if entry.kind not in get_args(Kind) or entry.direction not in get_args(Direction):
            raise ValueError(f"measures.toml: {entry.code} has kind {entry.kind!r}, direction {entry.direction!r}")
    return measures


MEASURES: Final[tuple[Measure, ...]] = _catalogue()
"""Every measure, in the order of DESIGN.md: the shares, the means and time to close, the costs."""

BY_CODE: Final[Mapping[str, Measure]] = MappingProxyType({measure.code: measure for measure in MEASURES})
SHARE_MEASURES: Final[tuple[Measure, ...]] = tuple(m for m in MEASURES if m.kind == "share")
OTHER_MEASURES: Final[tuple[Measure, ...]] = tuple(m for m in MEASURES if m.kind in ("mean", "duration"))
COST_MEASURES: Final[tuple[Measure, ...]] = tuple(m for m in MEASURES if m.kind == "cost")

SHARE_CODES: Final[tuple[str, ...]] = tuple(m.code for m in SHARE_MEASURES)
"""The share measures' codes, in order (the keys of ``measures`` and ``comparison`` in the metrics API)."""
LOWER_IS_BETTER: Final[frozenset[str]] = frozenset(m.code for m in MEASURES if m.lower_is_better)
"""Shares where a lower value is better; their targets are maxima."""
TARGET_KEYS: Final[tuple[str, ...]] = tuple(m.target_key for m in MEASURES if m.target_key is not None)
"""The keys a pilot file's ``[targets]`` may set."""
PRIMARY_OUTCOMES: Final[tuple[str, ...]] = tuple(
    m.code for m in sorted((m for m in MEASURES if m.primary_rank is not None), key=lambda m: m.primary_rank or 0)
)
"""Dossier-level measures a pilot may name as its primary outcome (issue 5)."""


def measure(code: str) -> Measure:
    """The measure with ``code``; KeyError for an unknown code."""
    return BY_CODE[code]
