"""GitHub as an evidence source: organisation, members and change management, read-only."""
