"""Google Workspace as an evidence source: the Admin SDK Directory's users, read-only."""
