"""The client service as a handler dependency (``clients``).

The provider lives in ``casefile/dependencies.py``: it hands the service the dossiers' involvement lookup, which this
concept (below the dossiers) cannot import."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.clients.services import ClientService

Clients = NamedDependency[ClientService]
"""The request's client service (``clients``)."""
