"""What an identity-provider source collects (Okta today): users with their status and enrolled factors,
who holds an admin role, and which SSO applications exist. Every field required (see inventory/aws.py)."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_tracer.inventory.base import Dataset, Observed

ACTIVE_STATUSES = ("ACTIVE", "PASSWORD_EXPIRED", "LOCKED_OUT", "RECOVERY")


@dataclass(frozen=True, slots=True)
class IdpUser:
    id: str
    login: str
    email: str
    status: str  # ACTIVE, SUSPENDED, DEPROVISIONED, STAGED, PROVISIONED, LOCKED_OUT, ...
    factors: Observed[tuple[str, ...]]  # factor types of the user's ACTIVE factors

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True, slots=True)
class IdpApp:
    name: str
    label: str
    status: str
    sign_on_mode: str


USERS: Dataset[tuple[IdpUser, ...]] = Dataset("idp.users", "users", "ListUsers")
ADMINS: Dataset[tuple[str, ...]] = Dataset("idp.admins", "roles", "ListAdminAssignees")  # user ids
APPS: Dataset[tuple[IdpApp, ...]] = Dataset("idp.apps", "apps", "ListApps")
