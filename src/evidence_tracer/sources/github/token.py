"""Where the GitHub token comes from: the environment variable tracer.yaml names, else the gh CLI's login."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import yaml


def gh_config_dir() -> Path:
    if os.environ.get("GH_CONFIG_DIR"):
        return Path(os.environ["GH_CONFIG_DIR"])
    base = Path(os.environ["XDG_CONFIG_HOME"]) if os.environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "gh"


def github_token(env_name: str, api_url: str) -> str | None:
    """The token, or None. gh keeps `hosts.yml` as {host: {oauth_token, user, users: {login: {oauth_token}}}}
    (when gh stores the token in the system keyring instead, set the environment variable)."""
    if os.environ.get(env_name):
        return os.environ[env_name]
    host = urlparse(api_url).hostname or "github.com"
    host = "github.com" if host == "api.github.com" else host
    try:
        hosts = yaml.safe_load((gh_config_dir() / "hosts.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    entry = hosts.get(host) if isinstance(hosts, dict) else None
    if not isinstance(entry, dict):
        return None
    if entry.get("oauth_token"):
        return str(entry["oauth_token"])
    user = entry.get("users", {}).get(entry.get("user", ""), {}) if isinstance(entry.get("users"), dict) else {}
    return str(user["oauth_token"]) if isinstance(user, dict) and user.get("oauth_token") else None
