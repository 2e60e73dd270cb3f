"""The dossier service as a handler dependency (``dossiers``), provided by the app with its closing check."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.dossiers.services import DossierService

Dossiers = NamedDependency[DossierService]
"""The request's dossier service (``dossiers``)."""
