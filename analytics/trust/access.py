"""Who may do what: roles and the server-side check every action calls.

Roles are ordered: viewer (managers: charts) < marketer (segments, drafts, model jobs)
< admin (imports, settings, audit). A page hiding a button is a courtesy; the check that
counts is ``require``, called by the action itself before it does anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


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
