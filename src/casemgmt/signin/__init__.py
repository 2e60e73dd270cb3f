"""Signing in and out: the password form, OpenID Connect with the municipality's provider (discovery, PKCE, the ID
token's checks, the employee matched by issuer and ``sub``, roles and services from the provider's groups), logout
(also at the provider), and the audit events of every login, refusal, logout and role change. Above ``audit`` because
it writes audit events; ``auth`` below keeps the accounts, sessions and guards."""
