"""Dossiers: one complex question of one client, one casemanager, one accountmanager per involved service."""
