"""Words for the synthetic municipality (``casemgmt.synthetic.generator``): names, streets, subjects and the texts
of contacts, commitments, handoffs, escalations and survey comments.

Deliberately varied: Dutch names with diacritics and the ĳ ligature, Turkish, Moroccan, Surinamese and Vietnamese
names, quotes, newlines and the occasional emoji in summaries, so that every screen, search and export meets real
text. Every text stays within the limits of the domain rules (summaries ≤ 4000 characters, handoff context ≥ 30).
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Anouk", "Bram", "Daan", "Emma", "Fleur", "Hatice", "Ivo", "Jesse", "Kim", "Lotte", "Mohamed", "Noor",
    "Özlem", "Pieter", "Rachid", "Sanne", "Thijs", "Uğur", "Vera", "Willem", "Yara", "Zoë", "Chloé", "Joël",
    "Renée", "Ĳsbrand", "Fatima", "Gerrit", "Hanneke", "Ilse", "Jan", "Karim", "Linda", "Marieke", "Nadia",
    "Orlando", "Priya", "Quinten", "Roos", "Sevda", "Tim", "Ursula", "Vincent", "Wendy", "Youssef", "Annelies",
    "Baran", "Cor", "Dewi", "Esra", "Frank", "Gülşen", "Henk", "Inge", "José", "Koen", "Loes", "Mehmet", "Nina",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Yılmaz", "Öztürk", "El Amrani", "Çelik", "Müller", "van Dijk",
    "Smit", "de Jong", "Visser", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Kramer", "Ramdin", "Biharie", "Kortenhoeven", "Ĳzerman", "Nguyễn", "Bouzid", "Martina",
    "van der Linden", "Verbeek", "Kok", "'t Hart", "Doğan", "Haddou", "Sardjoe", "Koster", "van Leeuwen", "Post",
)  # fmt: skip

ORGANISATION_FORMS: tuple[str, ...] = (
    "Bakkerij {name} B.V.", "Stichting Buurtzorg {district}", "Vereniging van Eigenaars {street}",
    "Café 'De {name}'", "{name} & Zonen Installatietechniek", "Kinderopvang Het Zonnetje {district}",
    "Autobedrijf {name} V.O.F.", "Zorgboerderij De Ĳsvogel", "Stichting Wijkteam {district}",
)  # fmt: skip

DISTRICTS: tuple[str, ...] = (
    "Escamp",
    "Laak",
    "Centrum",
    "Segbroek",
    "Scheveningen",
    "Loosduinen",
    "Haagse Hout",
    "Leidschenveen-Ypenburg",
)

STREETS: tuple[str, ...] = (
    "Laan van Meerdervoort", "Spui", "Prinsegracht", "Hoefkade", "Loosduinseweg", "Weimarstraat", "Zuidlarenstraat",
    "Escamplaan", "Mient", "Thorbeckelaan", "Vaillantlaan", "Beeklaan", "Stationsweg", "Paul Krugerlaan",
)  # fmt: skip

REPRESENTATIVE_ROLES: tuple[tuple[str, str], ...] = (
    ("Sociaal Wijkteam {district}", "Maatschappelijk werker"),
    ("MEE Zuid-Holland Noord", "Cliëntondersteuner Wmo"),
    ("Advocatenkantoor Ülker & De Vries", "Advocaat"),
    ("Schuldhulpmaatjes Den Haag", "Vrijwillig schuldhulpmaatje"),
    ("Bewindvoering 'Op Orde'", "Beschermingsbewindvoerder"),
)

DOSSIER_SUBJECTS: tuple[str, ...] = (
    "Schulden en dreigende huisuitzetting",
    "Bijstand en kinderopvang na scheiding",
    "Verbouwing bedrijfspand tot woning: inschrijving en vergunning",
    "Leerlingenvervoer en Wmo-voorziening voor zoon",
    "Re-integratie en leerplicht van dochter",
    "Bijzondere bijstand voor woningaanpassing",
    "Parkeervergunning gehandicapte en wegwerkzaamheden",
    "Uitkering niet uitbetaald; huurachterstand",
    "Vergunning terras en overlast buren",
    "Paspoort vanuit het buitenland en adresonderzoek",
    "Kwijtschelding gemeentelijke belastingen en betalingsregeling",
    "Inburgering, taalcursus en werk",
    "Mantelzorg, huishoudelijke hulp en parkeerplaats",
    "Verhuizing naar aangepaste woning met zorg",
    "Bedrijfsverplaatsing: vergunningen en subsidie",
    "Jeugdhulp en schoolverzuim",
    "Dwangbevel en betalingsregeling (verkeerde regeling gevonden)",
    "Verklaring omtrent het gedrag voor vrijwilligerswerk",
)

CONTACT_SUMMARIES: dict[str, tuple[str, ...]] = {
    "resolved": (
        'Klant belde over "{subject}". Vraag beantwoord en uitgelegd wat de volgende stap is.',
        "Vraag over {subject} direct afgehandeld; klant weet waar hij aan toe is.",
        "Uitleg gegeven over de aanvraag.\nKlant stuurt de ontbrekende stukken zelf op.",
        "Status van de aanvraag doorgegeven; klant tevreden 🙂",
        "Klant had de brief niet begrepen ('dwangbevel'); uitgelegd wat er bedoeld wordt.",
    ),
    "transferred": (
        "Klant doorverbonden naar de dienst; vraag over {subject} kon niet door het KCC worden beantwoord.",
        "Doorverbonden met de accountmanager.\nKlant gaf aan al eerder te zijn doorverbonden.",
        "Vraag hoort bij een andere dienst; klant doorverbonden na korte uitleg.",
    ),
    "callback_promised": (
        "Terugbelverzoek genoteerd: de accountmanager belt de klant terug over {subject}.",
        "Klant wil teruggebeld worden door de casemanager; nummer gecontroleerd.",
        "Geen antwoord mogelijk zonder dossierinzage; terugbelafspraak gemaakt.",
    ),
    "client_to_call_back": (
        "Klant belt zelf terug zodra de brief van de Belastingdienst binnen is.",
        "Klant moet eerst stukken opzoeken en belt morgen opnieuw.",
    ),
    "appointment_made": (
        "Afspraak aan de balie gemaakt voor {subject}.",
        "Huisbezoek afgesproken met casemanager en wijkteam.",
        "Afspraak gemaakt op het Stadskantoor (Spui 70); klant neemt ID-bewijs mee.",
    ),
}

COMMITMENT_TEXTS: dict[str, tuple[str, ...]] = {
    "callback": (
        "We bellen u uiterlijk {due} terug over {subject}.",
        "De accountmanager belt u terug met de uitkomst van de controle.",
        "Uw casemanager belt u terug; u hoeft zelf niet opnieuw te bellen.",
    ),
    "information": (
        "We sturen u de voorwaarden voor {subject} per e-mail toe.",
        "U ontvangt een overzicht van de openstaande bedragen per post.",
    ),
    "action": (
        "We zetten de invordering stil tot de betalingsregeling rond is.",
        "De aanvraag wordt met voorrang behandeld.",
        "We vragen het dossier op bij de andere dienst en leggen het naast uw aanvraag.",
    ),
    "appointment": (
        "Huisbezoek op de afgesproken dag met de casemanager.",
        "Afspraak aan de balie om de stukken samen door te nemen.",
    ),
}

MISSED_NOTES: tuple[str, ...] = (
    "Klant drie keer niet bereikt; voicemail ingesproken.",
    "Afspraak niet nagekomen door ziekte van de medewerker; niet op tijd overgedragen.",
    "Informatie was nog niet beschikbaar; klant niet geïnformeerd.",
)

FULFIL_NOTES: tuple[str, ...] = (
    "Klant teruggebeld en geïnformeerd.",
    "Informatie per e-mail verstuurd.",
    "Actie uitgevoerd; klant bevestigd.",
    "",
)

CANCEL_NOTES: tuple[str, ...] = (
    "Klant heeft de vraag ingetrokken.",
    "Niet meer nodig: vraag is in een ander gesprek al beantwoord.",
)

HANDOFF_REASONS: tuple[str, ...] = (
    "Vraag hoort bij het werkgebied van deze dienst",
    "Specialistische kennis nodig",
    "Vergunningaanvraag moet door deze dienst worden beoordeeld",
    "Uitkering en schuldhulp moeten op elkaar worden afgestemd",
)

HANDOFF_CONTEXTS: tuple[str, ...] = (
    "Klant heeft het verhaal al twee keer verteld; zie de samenvattingen van de laatste gesprekken over {subject}.",
    "Pand is omgebouwd van kantoor naar woning; niet elke afdeling weet dat. Inschrijving loopt vast.",
    "Betalingsregeling loopt bij SZW, maar de aanmaning komt van Belastingen. Graag samen één lijn kiezen.",
    'Moeder van drie kinderen, net gescheiden; "ik word van het kastje naar de muur gestuurd". Graag direct bellen.',
)

DECLINE_REASONS: tuple[str, ...] = (
    "Hoort niet bij onze dienst; graag eerst afstemmen met de casemanager.",
    "Onvoldoende informatie in de overdracht om de vraag op te pakken.",
)

ESCALATION_QUESTIONS: tuple[str, ...] = (
    "Klant vraagt waarom de uitkering van deze maand niet is betaald. Wat is de status?",
    "Kan een paspoort vanuit de VS worden verlengd zonder hier ingeschreven te staan?",
    "Welke stukken zijn nodig voor een VOG voor vrijwilligerswerk?",
    "Geldt de parkeervergunning ook voor de mantelzorger van de klant?",
    "Klopt het dat de betalingsregeling is stopgezet? Klant heeft de brief niet ontvangen.",
)

ESCALATION_ANSWERS: tuple[str, ...] = (
    "Betaling staat klaar en wordt binnen twee werkdagen overgemaakt.",
    "Ja, via de ambassade; de klant moet wel een afspraak maken. Zie de uitleg op de website.",
    "Aanvraag kan online; bij vrijwilligerswerk zijn er geen kosten.",
    "Nee, daarvoor is een aparte mantelzorgvergunning nodig.",
    "De regeling loopt nog; de brief was een automatische herinnering en kan worden genegeerd.",
)

SURVEY_COMMENTS: tuple[str, ...] = (
    "Fijn dat ik niet steeds opnieuw mijn verhaal hoefde te vertellen.",
    "Ik ben drie keer doorverbonden en niemand wist het antwoord.",
    "Zorg dat je teruggebeld wordt als dat beloofd is!",
    'De medewerker was vriendelijk, maar de regels zijn "onduidelijk".',
    "Eindelijk één aanspreekpunt 👍",
    "Geen opmerkingen.",
)
