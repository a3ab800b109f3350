"""Okta as an evidence source: users, their factors, admin roles and SSO applications, read-only."""
