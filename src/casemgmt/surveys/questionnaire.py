"""The satisfaction questionnaire of the seed report (Totta Research for Rekenkamer Den Haag 2013, Bijlage 1
"Vragenlijst fase 1 - Telefonische enquêtes"): its questions, answer codes and Dutch labels.

The codes are those of the survey CSV contract (issue 5); each mapping is ordered as the questionnaire lists the
answers, so forms and reports can iterate them as-is. Labels follow the questionnaire's wording; the reasons for
dissatisfaction (question 4 is open, coded afterwards) follow the coding of the seed's Tabel 1 / figure in chapter 3.
Immutable mappings: code → Dutch label, the closed questions' code lists all in ``ANSWERS`` (by answer field).

Routing in the questionnaire, for whoever interprets the answers: question 2 ends the interview when nobody
remembers the contact (``remembered_contact`` = ``nee``: a respondent without answers); question 3 ends it for a
grade above 6, so reasons, ``helped_at_once`` and ``transfer_count`` are normally only answered by dissatisfied
respondents; question 6 (``transfer_count``) is only asked after "Nee, ik moest worden doorverbonden".
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

GRADE_MIN: Final = 1
GRADE_MAX: Final = 10
SATISFIED_MIN_GRADE: Final = 7
"""``satisfied`` = grade ≥ 7; ``dissatisfied`` = grade ≤ 6 (the seed's "rapportcijfer 7 of hoger")."""

FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "respondent_id": "Respondentnummer",
        "contact_date": "Datum van het contact",
        "remembered_contact": "Contact herinnerd",
        "grade": "Rapportcijfer",
        "reasons": "Redenen van ontevredenheid",
        "helped_at_once": "Meteen geholpen",
        "transfer_count": "Aantal keer doorverbonden",
        "respondent_type": "Belde als",
        "gender": "Geslacht",
        "age_band": "Leeftijd",
        "education": "Hoogste opleiding",
        "dossier_ref": "Dossier",
        "comment": "Opmerkingen of suggesties",
    }
)
"""Short Dutch names of the survey fields (keys are the CSV columns), for forms, reports and error messages."""

ANSWERS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        field: MappingProxyType(codes)
        for field, codes in {
            "remembered_contact": {
                "ja": "Ja",
                "nee": "Nee",
            },
            "reasons": {
                "niet_in_een_keer": "Kon niet in één keer worden geholpen",
                "niet_deskundig": "Medewerker niet deskundig / niet genoeg kennis / verkeerde info gekregen",
                "niet_gewenst_antwoord": "Kreeg niet wat ik wilde / oplossing of antwoord was niet wat ik wilde",
                "niet_teruggebeld": "Zou worden teruggebeld maar is niet gebeurd",
                "lang_wachten": "Lang wachten aan telefoon",
                "kastje_muur": "Van kastje naar de muur gestuurd",
                "vaker_doorverbonden": "Meerdere keren doorverbonden",
                "afspraken_niet_nagekomen": "Afspraken niet nagekomen",
                "niet_actief_geholpen": "Niet actief geholpen om dienst verleend te krijgen (zoek het zelf maar uit)",
                "anders": "Anders",
            },
            "helped_at_once": {
                "meteen": "Ja, ik kon meteen worden geholpen",
                "doorverbonden": "Nee, ik moest worden doorverbonden",
                "teruggebeld": "Nee, ik ben later teruggebeld",
                "zelf_terugbellen": "Nee, ik moest zelf later terugbellen",
                "afspraak": "Nee, ik moest een afspraak maken",
            },
            "transfer_count": {
                "1": "1 keer",
                "2": "2 keer",
                "3": "3 keer",
                "meer_dan_3": "Meer dan 3 keer",
                "weet_niet": "Weet niet (meer)",
            },
            "respondent_type": {
                "bewoner": "Bewoner",
                "bedrijf": "Vertegenwoordiger bedrijf / organisatie",
            },
            "gender": {
                "man": "Man",
                "vrouw": "Vrouw",
            },
            "age_band": {
                "<25": "< 25 jaar",
                "25-34": "25 t/m 34",
                "35-44": "35 t/m 44",
                "45-54": "45 t/m 54",
                "55-64": "55 t/m 64",
                "65+": "65 of ouder",
            },
            "education": {
                "geen_basis": "Geen onderwijs of basisonderwijs",
                "lbo_vmbo_mavo": "LBO / VMBO / MAVO",
                "mbo": "MBO",
                "havo_vwo": "HAVO / VWO",
                "hbo": "HBO",
                "wo": "WO",
                "weet_niet": "Weet niet",
                "zeg_niet": "Zeg ik liever niet",
            },
        }.items()
    }
)
"""The answer codes of every closed question, by answer field (the CSV column), each in the questionnaire's order."""

REMEMBERED_CONTACT: Final = ANSWERS["remembered_contact"]
REASONS: Final = ANSWERS["reasons"]
HELPED_AT_ONCE: Final = ANSWERS["helped_at_once"]
TRANSFER_COUNT: Final = ANSWERS["transfer_count"]
RESPONDENT_TYPE: Final = ANSWERS["respondent_type"]
GENDER: Final = ANSWERS["gender"]
AGE_BAND: Final = ANSWERS["age_band"]
EDUCATION: Final = ANSWERS["education"]

CODED_FIELDS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        field: ANSWERS[field]
        for field in ("helped_at_once", "transfer_count", "respondent_type", "gender", "age_band", "education")
    }
)
"""The single-choice answer fields and their code lists (``reasons`` is multiple choice, see ``REASONS``)."""

QUESTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "remembered_contact": "Volgens onze gegevens heeft u onlangs telefonisch contact gehad met de gemeente. "
        "Klopt dat?",
        "grade": "Hoe tevreden bent u over hoe u geholpen bent met uw vraag? U kunt een rapportcijfer geven van 1 t/m "
        "10, waarbij 1 staat voor heel ontevreden en 10 voor heel tevreden.",
        "reasons": "Kunt u aangeven wat de belangrijkste reden is waarom u ontevreden bent over de dienstverlening van "
        "de gemeente?",
        "helped_at_once": "Kon u aan de telefoon meteen worden geholpen?",
        "transfer_count": "Hoe vaak bent u - bij dit telefonische contact met de gemeente - doorverbonden?",
        "respondent_type": "Belde u als bewoner of als vertegenwoordiger van een bedrijf of organisatie?",
        "gender": "Geslacht (door de enquêteur genoteerd, niet uitgevraagd)",
        "age_band": "Wat is uw leeftijd?",
        "education": "Wat is de hoogste opleiding die u heeft gevolgd?",
        "comment": "Heeft u zelf nog opmerkingen of suggesties voor de gemeente over de dienstverlening?",
    }
)
"""The question per answer field, in the questionnaire's wording (with "Gemeente Den Haag" made generic)."""
