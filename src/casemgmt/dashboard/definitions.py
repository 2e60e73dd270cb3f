"""The dashboard's words beside the measures: status and cohort labels and the method notes.

The measures themselves (code, Dutch name, definition, kind, direction) are the catalogue ``pilots/measures.py``,
re-exported here under the names the dashboard has always used, so the cards, the charts, the tables and the
definitions section use the same words as the engine and the exports. UI vocabulary follows shared/SCENARIOS.md
("In één keer geholpen" for resolved in one go, "Direct geholpen" for helped at once, "Op tijd nagekomen" for kept
on time, "Kosten per dossier").
"""

from __future__ import annotations

from casemgmt.pilots.measures import BY_CODE, COST_MEASURES, MEASURES, OTHER_MEASURES, SHARE_MEASURES, Measure

MeasureDefinition = Measure
ALL_MEASURES: tuple[Measure, ...] = MEASURES

__all__ = [
    "ALL_MEASURES",
    "BY_CODE",
    "COHORT_LABELS",
    "COST_MEASURES",
    "METHOD_NOTES",
    "OTHER_MEASURES",
    "SHARE_MEASURES",
    "STATUS_LABELS",
    "MeasureDefinition",
]

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
