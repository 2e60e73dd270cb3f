"""Escalations (KCC → back office): questions the KCC cannot answer, due by the service norm; reusable answers."""
