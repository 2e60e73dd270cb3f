"""Clients (klanten: residents by BSN, organisations by KvK), their representatives, and the routing view."""
