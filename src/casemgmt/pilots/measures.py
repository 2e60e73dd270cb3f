"""The catalogue of pilot measures (DESIGN.md, "The measures"): one entry per measure, read by every screen and file.

Each ``Measure`` carries its code (the JSON key of the metrics API, the ``measure`` column of the exports), its Dutch
label and definition as the dashboard shows them, the label and definition the export files use (their wording was
fixed by issue 5 and stays), its kind (``share``, ``mean``, ``duration``, ``cost``), its direction (for a
lower-is-better share a target is a maximum) and its target key in the pilot file (``[targets]`` in
``pilots/*.toml``; shares only). The engine, the exports, the dashboard, the trends, the pilot-file validation and
the tests read their measure lists from here.

It lives beside the pilot files (``pilots/``) because the pilot file names its targets and primary outcome by these
codes, and ``metrics`` and ``dashboard`` already depend on ``pilots``: no import cycle. Pure data, no imports from
the rest of the application.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

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


MEASURES: Final[tuple[Measure, ...]] = (
    Measure(
        code="satisfied_share",
        kind="share",
        label="Tevreden (rapportcijfer 7 of hoger)",
        definition=(
            "Antwoorden op het tevredenheidsonderzoek met een rapportcijfer van 7 of hoger, gedeeld door alle "
            "antwoorden met een rapportcijfer (in het onderzoek van de Rekenkamer: 72% = 531 van 741). Antwoorden "
            "tellen mee in de periode van de datum van het klantcontact."
        ),
        export_label="Tevreden (cijfer 7 of hoger)",
        export_definition=(
            "Enquêteantwoorden met een rapportcijfer 7 of hoger, gedeeld door de antwoorden met een cijfer; op datum "
            "van het contact."
        ),
        primary_rank=2,
        outcome_unit="tevreden klant",
        n_unit="antwoorden met een rapportcijfer",
    ),
    Measure(
        code="helped_at_once_share",
        kind="share",
        label="Direct geholpen",
        definition=(
            "Inkomende klantcontacten met uitkomst ‘opgelost’ waarin de klant niet is doorverbonden, gedeeld door "
            "alle inkomende klantcontacten."
        ),
        export_label="Meteen geholpen",
        export_definition=(
            "Inkomende contacten met uitkomst 'opgelost' zonder doorverbinden, gedeeld door alle inkomende contacten "
            "in de periode."
        ),
        n_unit="inkomende klantcontacten",
    ),
    Measure(
        code="resolved_in_one_go_share",
        kind="share",
        label="In één keer geholpen",
        definition=("Inkomende klantcontacten met uitkomst ‘opgelost’, gedeeld door alle inkomende klantcontacten."),
        export_label="In één keer opgelost",
        export_definition=(
            "Inkomende contacten met uitkomst 'opgelost', gedeeld door alle inkomende contacten in de periode."
        ),
        n_unit="inkomende klantcontacten",
    ),
    Measure(
        code="transfer_share",
        kind="share",
        label="Doorverbonden",
        definition=(
            "Inkomende klantcontacten waarin de klant minstens één keer is doorverbonden, gedeeld door alle "
            "inkomende klantcontacten. Lager is beter; een norm is hier een maximum."
        ),
        export_label="Doorverbonden",
        export_definition=(
            "Inkomende contacten met minstens één keer doorverbinden, gedeeld door alle inkomende contacten (lager "
            "is beter; een streefwaarde is een maximum)."
        ),
        direction="lower",
        n_unit="inkomende klantcontacten",
    ),
    Measure(
        code="multiple_transfer_share",
        kind="share",
        label="Vaker dan één keer doorverbonden",
        definition=(
            "Inkomende klantcontacten waarin de klant minstens twee keer is doorverbonden, gedeeld door alle "
            "inkomende klantcontacten. Lager is beter; een norm is hier een maximum."
        ),
        export_label="Vaker dan één keer doorverbonden",
        export_definition=(
            "Inkomende contacten met twee of meer keer doorverbinden, gedeeld door alle inkomende contacten (lager "
            "is beter; een streefwaarde is een maximum)."
        ),
        direction="lower",
        n_unit="inkomende klantcontacten",
    ),
    Measure(
        code="on_time_share",
        kind="share",
        label="Op tijd nagekomen",
        definition=(
            "Toezeggingen die in de periode afliepen en op of vóór het afgesproken moment zijn nagekomen, gedeeld "
            "door alle toezeggingen die in de periode afliepen. Toezeggingen die vóór het afgesproken moment zijn "
            "ingetrokken tellen niet mee."
        ),
        export_label="Toezeggingen op tijd nagekomen",
        export_definition=(
            "Toezeggingen met een termijn in de periode (en verstreken) die op of vóór de termijn zijn nagekomen, "
            "gedeeld door die toezeggingen; toezeggingen die vóór de termijn zijn ingetrokken tellen niet mee."
        ),
        n_unit="toezeggingen",
    ),
    Measure(
        code="escalation_within_norm_share",
        kind="share",
        label="Escalaties binnen de norm",
        definition=(
            "Escalaties die binnen de normtermijn van de dienst zijn beantwoord, gedeeld door alle escalaties die in "
            "de periode afliepen."
        ),
        export_label="Escalaties binnen de norm",
        export_definition=(
            "Escalaties die binnen de norm van de dienst zijn beantwoord, gedeeld door de escalaties waarvan de "
            "termijn in de periode viel (en verstreken is)."
        ),
        n_unit="escalaties",
    ),
    Measure(
        code="ping_pong_share",
        kind="share",
        label="Dossiers met pingpong",
        definition=(
            "Dossiers waarin een vraag terugging naar een dienst die haar in de 30 dagen daarvoor zelf had "
            "overgedragen (A → B → A, van het kastje naar de muur), gedeeld door alle dossiers. Lager is beter; een "
            "norm is hier een maximum."
        ),
        export_label="Dossiers met pingpong",
        export_definition=(
            "Dossiers met een pingpong (een overdracht naar een dienst die het dossier in de 30 dagen daarvoor zelf "
            "overdroeg), gedeeld door de dossiers (lager is beter; een streefwaarde is een maximum)."
        ),
        direction="lower",
        n_unit="dossiers",
    ),
    Measure(
        code="resolved_share",
        kind="share",
        label="Dossiers opgelost",
        definition=("Dossiers die zijn afgesloten met uitkomst ‘opgelost’, gedeeld door alle afgesloten dossiers."),
        export_label="Dossiers opgelost",
        export_definition=("Dossiers gesloten met uitkomst 'opgelost', gedeeld door de gesloten dossiers."),
        primary_rank=1,
        outcome_unit="opgelost dossier",
        n_unit="afgesloten dossiers",
    ),
    Measure(
        code="kept_promises_share",
        kind="share",
        label="Alle toezeggingen nagekomen",
        definition=(
            "Dossiers waarvan alle toezeggingen die in de periode afliepen op tijd zijn nagekomen, gedeeld door de "
            "dossiers met toezeggingen die in de periode afliepen."
        ),
        export_label="Dossiers met alle toezeggingen nagekomen",
        export_definition=(
            "Dossiers waarvan alle toezeggingen met een termijn in de periode op tijd zijn nagekomen, gedeeld door "
            "de dossiers met zulke toezeggingen."
        ),
        primary_rank=3,
        outcome_unit="dossier met alle toezeggingen nagekomen",
        n_unit="dossiers met toezeggingen",
    ),
    Measure(
        code="handoffs_per_dossier",
        kind="mean",
        label="Overdrachten per dossier",
        definition=("Het gemiddelde aantal overdrachten (aangevraagd of geaccepteerd) per dossier."),
        export_label="Overdrachten per dossier (gemiddelde)",
        export_definition=("Overdrachten (aangevraagd of geaccepteerd) per dossier, gemiddeld."),
        n_unit="dossiers",
    ),
    Measure(
        code="contacts_per_dossier",
        kind="mean",
        label="Klantcontacten per dossier",
        definition=("Het gemiddelde aantal klantcontacten per dossier."),
        export_label="Contacten per dossier (gemiddelde)",
        export_definition=("Klantcontacten per dossier, gemiddeld."),
        n_unit="dossiers",
    ),
    Measure(
        code="days_to_close",
        kind="duration",
        label="Doorlooptijd tot afsluiten",
        definition=(
            "Werkdagen (zonder weekenden en feestdagen) van het openen tot het afsluiten van een dossier: de mediaan "
            "en het eerste en derde kwartiel."
        ),
        export_label="Doorlooptijd",
        export_definition=("Werkdagen van opening tot sluiting (feestdagen niet meegeteld): mediaan en kwartielen."),
        n_unit="afgesloten dossiers",
    ),
    Measure(
        code="cost_per_dossier",
        kind="cost",
        label="Kosten per dossier",
        definition=(
            "Geregistreerde tijd × het uurtarief van de rol van de medewerker, plus de vaste pilotkosten verdeeld "
            "over de dossiers van de pilotgroep (de controlegroep draagt geen vaste pilotkosten), gedeeld door het "
            "aantal dossiers."
        ),
        export_label="Kosten per dossier (EUR)",
        export_definition=(
            "Geregistreerde uren maal het uurtarief van de rol, plus de vaste pilotkosten verdeeld over alle "
            "dossiers van de pilotgroep; de controlegroep draagt geen vaste pilotkosten."
        ),
    ),
    Measure(
        code="cost_per_resolved_dossier",
        kind="cost",
        label="Kosten per opgelost dossier",
        definition=(
            "De totale kosten van de groep gedeeld door het aantal dossiers dat is afgesloten met uitkomst ‘opgelost’."
        ),
        export_label="Kosten per opgelost dossier (EUR)",
        export_definition=(
            "De totale kosten van het cohort gedeeld door de dossiers die als 'opgelost' zijn gesloten."
        ),
    ),
    Measure(
        code="icer",
        kind="cost",
        label="Kosteneffectiviteit (ICER)",
        definition=(
            "(Kosten per dossier in de pilotgroep − in de controlegroep) gedeeld door (de primaire uitkomst in de "
            "pilotgroep − in de controlegroep): wat één extra geslaagd dossier kost. Met een bootstrap-interval "
            "(2.000 keer opnieuw trekken); niet gedefinieerd zolang het verschil in uitkomst ook nul kan zijn."
        ),
        export_label="ICER",
        export_definition=(
            "Verschil in kosten per dossier (pilot min controle) gedeeld door het verschil in de primaire uitkomst, "
            "met een bootstrap-interval; 'onbepaald' als het interval van het effect 0 bevat."
        ),
    ),
)
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
