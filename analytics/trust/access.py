"""Who may do what: roles and the server-side check every action calls.

Roles are ordered: viewer (managers: charts) < marketer (segments, drafts, model jobs)
< admin (imports, settings, audit). A page hiding a button is a courtesy; the check that
counts is ``require``, called by the action itself before it does anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.settings import Settings


class Role(IntEnum):
    VIEWER = 1
    MARKETER = 2
    ADMIN = 3

    @classmethod
    def parse(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            valid = ", ".join(r.name.lower() for r in cls)
            raise ValueError(f"unknown role '{name}'; valid roles: {valid}") from None


# The one list of actions and the least role each needs.
ACTIONS: dict[str, Role] = {
    "view_charts": Role.VIEWER,
    "view_reviews": Role.VIEWER,
    "export_aggregates": Role.VIEWER,
    "view_segments": Role.MARKETER,
    "export_users": Role.MARKETER,
    "save_audience": Role.MARKETER,
    "run_model_job": Role.MARKETER,
    "rebuild_segments": Role.MARKETER,
    "draft_campaign": Role.MARKETER,
    "approve_draft": Role.MARKETER,
    "cancel_job": Role.MARKETER,
    "import_data": Role.ADMIN,
    "build_demo": Role.ADMIN,
    "view_audit": Role.ADMIN,
    "change_settings": Role.ADMIN,
}


class PermissionDenied(PermissionError):
    """The actor's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in identity (or 'demo'/'cli') and its role."""

    name: str
    role: Role

    def can(self, action: str) -> bool:
        return self.role >= _needed(action)


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless ``actor`` may perform ``action``."""
    needed = _needed(action)
    if actor.role < needed:
        raise PermissionDenied(
            f"{actor.name} ({actor.role.name.lower()}) may not {action.replace('_', ' ')}: "
            f"it needs the {needed.name.lower()} role"
        )


def _needed(action: str) -> Role:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown action '{action}'") from None


CLI_ACTOR = Actor("cli", Role.ADMIN)  # whoever runs the command line owns the files


# What st.login() needs in the [auth] table of .streamlit/secrets.toml (default provider).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def missing_auth_keys(auth: Mapping[str, object] | None) -> list[str]:
    """The keys of ``AUTH_KEYS`` that the ``[auth]`` table lacks or leaves empty (all without a table)."""
    table = auth or {}
    return [key for key in AUTH_KEYS if not table.get(key)]


def signed_in_actor(claims: Mapping[str, object], settings: Settings) -> Actor:
    """The actor for the identity provider's claims about a signed-in user.

    The role comes from the claim named by ``settings.role_claim`` (when set and holding a
    role name), else from ``settings.roles`` by e-mail, but only when the provider says it
    verified that e-mail: a provider that lets people register any address would otherwise
    let anyone claim an admin's e-mail. Everyone else gets ``settings.default_role``. The
    ``sub`` claim only names the actor.
    """
    email = str(claims.get("email") or "")
    name = email or str(claims.get("sub") or "unknown")
    role = _claimed_role(claims, settings.role_claim)
    if role is None:
        role = Role.parse(settings.role_for(email if _email_verified(claims) else None))
    return Actor(name, role)


def _email_verified(claims: Mapping[str, object]) -> bool:
    # OpenID Connect says boolean; some providers (Cognito among them) send the string "true".
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")


def _claimed_role(claims: Mapping[str, object], claim: str) -> Role | None:
    """The highest role named by the configured claim (a string or a list of them), if any."""
    if not claim:
        return None
    value = claims.get(claim)
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    roles = [Role[n.strip().upper()] for n in names if isinstance(n, str) and n.strip().upper() in Role.__members__]
    return max(roles, default=None)
