"""The Dutch names and definitions of every pilot measure (DESIGN.md, "The measures"), as the dashboard shows them.

One place, so the cards, the charts, the tables and the definitions section use the same words. UI vocabulary
follows shared/SCENARIOS.md ("In één keer geholpen" for resolved in one go, "Direct geholpen" for helped at once,
"Op tijd nagekomen" for kept on time, "Kosten per dossier").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["share", "mean", "duration", "cost"]


@dataclass(frozen=True)
class MeasureDefinition:
    code: str
    label: str
    kind: Kind
    definition: str
    lower_is_better: bool = False
    outcome_unit: str = ""
    """For dossier-level outcomes: what one success is (for the ICER: cost per extra …)."""
    n_unit: str = ""
    """What n counts, in the plural ("inkomende klantcontacten")."""


SHARE_MEASURES: tuple[MeasureDefinition, ...] = (
    MeasureDefinition(
        "satisfied_share",
        "Tevreden (rapportcijfer 7 of hoger)",
        "share",
        "Antwoorden op het tevredenheidsonderzoek met een rapportcijfer van 7 of hoger, gedeeld door alle antwoorden "
        "met een rapportcijfer (in het onderzoek van de Rekenkamer: 72% = 531 van 741). Antwoorden tellen mee in de "
        "periode van de datum van het klantcontact.",
        outcome_unit="tevreden klant",
        n_unit="antwoorden met een rapportcijfer",
    ),
    MeasureDefinition(
        "helped_at_once_share",
        "Direct geholpen",
        "share",
        "Inkomende klantcontacten met uitkomst ‘opgelost’ waarin de klant niet is doorverbonden, gedeeld door alle "
        "inkomende klantcontacten.",
        n_unit="inkomende klantcontacten",
    ),
    MeasureDefinition(
        "resolved_in_one_go_share",
        "In één keer geholpen",
        "share",
        "Inkomende klantcontacten met uitkomst ‘opgelost’, gedeeld door alle inkomende klantcontacten.",
        n_unit="inkomende klantcontacten",
    ),
    MeasureDefinition(
        "transfer_share",
        "Doorverbonden",
        "share",
        "Inkomende klantcontacten waarin de klant minstens één keer is doorverbonden, gedeeld door alle inkomende "
        "klantcontacten. Lager is beter; een norm is hier een maximum.",
        lower_is_better=True,
        n_unit="inkomende klantcontacten",
    ),
    MeasureDefinition(
        "multiple_transfer_share",
        "Vaker dan één keer doorverbonden",
        "share",
        "Inkomende klantcontacten waarin de klant minstens twee keer is doorverbonden, gedeeld door alle inkomende "
        "klantcontacten. Lager is beter; een norm is hier een maximum.",
        lower_is_better=True,
        n_unit="inkomende klantcontacten",
    ),
    MeasureDefinition(
        "on_time_share",
        "Op tijd nagekomen",
        "share",
        "Toezeggingen die in de periode afliepen en op of vóór het afgesproken moment zijn nagekomen, gedeeld door "
        "alle toezeggingen die in de periode afliepen. Toezeggingen die vóór het afgesproken moment zijn ingetrokken "
        "tellen niet mee.",
        n_unit="toezeggingen",
    ),
    MeasureDefinition(
        "escalation_within_norm_share",
        "Escalaties binnen de norm",
        "share",
        "Escalaties die binnen de normtermijn van de dienst zijn beantwoord, gedeeld door alle escalaties die in de "
        "periode afliepen.",
        n_unit="escalaties",
    ),
    MeasureDefinition(
        "ping_pong_share",
        "Dossiers met pingpong",
        "share",
        "Dossiers waarin een vraag terugging naar een dienst die haar in de 30 dagen daarvoor zelf had overgedragen "
        "(A → B → A, van het kastje naar de muur), gedeeld door alle dossiers. Lager is beter; een norm is hier een "
        "maximum.",
        lower_is_better=True,
        n_unit="dossiers",
    ),
    MeasureDefinition(
        "resolved_share",
        "Dossiers opgelost",
        "share",
        "Dossiers die zijn afgesloten met uitkomst ‘opgelost’, gedeeld door alle afgesloten dossiers.",
        outcome_unit="opgelost dossier",
        n_unit="afgesloten dossiers",
    ),
    MeasureDefinition(
        "kept_promises_share",
        "Alle toezeggingen nagekomen",
        "share",
        "Dossiers waarvan alle toezeggingen die in de periode afliepen op tijd zijn nagekomen, gedeeld door de "
        "dossiers met toezeggingen die in de periode afliepen.",
        outcome_unit="dossier met alle toezeggingen nagekomen",
        n_unit="dossiers met toezeggingen",
    ),
)

OTHER_MEASURES: tuple[MeasureDefinition, ...] = (
    MeasureDefinition(
        "handoffs_per_dossier",
        "Overdrachten per dossier",
        "mean",
        "Het gemiddelde aantal overdrachten (aangevraagd of geaccepteerd) per dossier.",
        n_unit="dossiers",
    ),
    MeasureDefinition(
        "contacts_per_dossier",
        "Klantcontacten per dossier",
        "mean",
        "Het gemiddelde aantal klantcontacten per dossier.",
        n_unit="dossiers",
    ),
    MeasureDefinition(
        "days_to_close",
        "Doorlooptijd tot afsluiten",
        "duration",
        "Werkdagen (zonder weekenden en feestdagen) van het openen tot het afsluiten van een dossier: de mediaan en "
        "het eerste en derde kwartiel.",
        n_unit="afgesloten dossiers",
    ),
)

COST_MEASURES: tuple[MeasureDefinition, ...] = (
    MeasureDefinition(
        "cost_per_dossier",
        "Kosten per dossier",
        "cost",
        "Geregistreerde tijd × het uurtarief van de rol van de medewerker, plus de vaste pilotkosten verdeeld over de "
        "dossiers van de pilotgroep (de controlegroep draagt geen vaste pilotkosten), gedeeld door het aantal "
        "dossiers.",
    ),
    MeasureDefinition(
        "cost_per_resolved_dossier",
        "Kosten per opgelost dossier",
        "cost",
        "De totale kosten van de groep gedeeld door het aantal dossiers dat is afgesloten met uitkomst ‘opgelost’.",
    ),
    MeasureDefinition(
        "icer",
        "Kosteneffectiviteit (ICER)",
        "cost",
        "(Kosten per dossier in de pilotgroep − in de controlegroep) gedeeld door (de primaire uitkomst in de "
        "pilotgroep − in de controlegroep): wat één extra geslaagd dossier kost. Met een bootstrap-interval "
        "(2.000 keer opnieuw trekken); niet gedefinieerd zolang het verschil in uitkomst ook nul kan zijn.",
    ),
)

ALL_MEASURES: tuple[MeasureDefinition, ...] = SHARE_MEASURES + OTHER_MEASURES + COST_MEASURES
BY_CODE: dict[str, MeasureDefinition] = {measure.code: measure for measure in ALL_MEASURES}

STATUS_LABELS = {"met": "gehaald", "missed": "niet gehaald", "undecided": "nog onbeslist"}
COHORT_LABELS = {"pilot": "Pilotgroep", "control": "Controlegroep"}

METHOD_NOTES: tuple[tuple[str, str], ...] = (
    (
        "Periode",
        "Een dossier hoort bij de periode waarin het is geopend; zijn uitkomst, kosten en dossiermaatstaven gaan mee. "
        "Klantcontacten tellen in de periode waarin ze plaatsvonden, toezeggingen en escalaties wanneer ze afliepen "
        "(en alleen als dat moment al voorbij is), antwoorden op het tevredenheidsonderzoek naar de datum van het "
        "klantcontact.",
    ),
    (
        "Interval",
        "Elk aandeel staat met een 95%-betrouwbaarheidsinterval (Wilson): het gebied waarin de werkelijke waarde met "
        "95% zekerheid ligt. Het verschil tussen pilot- en controlegroep staat met een 95%-interval (Newcombe) en "
        "een p-waarde; bij de andere maatstaven dan de primaire uitkomst is de p-waarde gecorrigeerd voor het aantal "
        "vergelijkingen (Holm).",
    ),
    (
        "Norm",
        "‘Gehaald’ betekent: aantoonbaar boven de norm (eenzijdige binomiale toets, 5%) en het hele interval boven de "
        "norm. ‘Niet gehaald’: aantoonbaar onder de norm. Anders ‘nog onbeslist’: de aantallen zijn te klein om het "
        "te zeggen.",
    ),
    (
        "Privacy",
        "Het dashboard toont alleen totalen, nooit namen of BSN’s. Cijfers over minder dan 5 dossiers worden niet "
        "getoond (‘< 5 dossiers, niet getoond’).",
    ),
)
