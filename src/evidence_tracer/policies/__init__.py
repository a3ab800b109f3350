"""Policy documents rendered from the workspace's parameters, and their approval state."""
