"""Use cases: each takes a Workspace (loaded once) and calls the pure layers below."""
