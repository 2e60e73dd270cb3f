"""The casefile: the read model that pulls the concepts together for the people working a case.

The dossier page with its timeline and promises panel, the dossier's signals and figures, the Werkvoorraad, the
routing view "Wie helpt deze klant?" and the "may this dossier close?" check. It imports the concepts (clients,
dossiers, contacts, commitments, handoffs, escalations); nothing but the app imports it.
"""
