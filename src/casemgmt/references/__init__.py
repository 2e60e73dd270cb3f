"""References of other systems (letter, zaak or kenmerk numbers) on contacts and dossiers."""
