"""Klantcontacten: every conversation with a client, on any channel, by any service."""
