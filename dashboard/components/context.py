"""Settings and the signed-in actor, made once per server and per session."""

from __future__ import annotations

import streamlit as st

from analytics.trust.access import Actor, Role
from models.settings import Settings, load_settings


def settings() -> Settings:
    """The one settings object: defaults, config file, secrets ``[settings]``, environment.

    Built on each rerun (it is a few dictionary look-ups), so a changed secrets file or
    environment takes effect without restarting the server.
    """
    return load_settings(secrets=_secret_settings())


def _secret_settings() -> dict:
    try:
        return _plain(st.secrets.get("settings", {}))
    except FileNotFoundError:  # no secrets.toml: defaults, config file and environment only
        return {}


def _plain(value: object) -> object:
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    return value


def actor() -> Actor:
    """Who is using this session. Outside demo mode this stops the page until sign-in."""
    s = settings()
    if s.demo_mode:
        return Actor("demo", Role.ADMIN)
    if not st.user.is_logged_in:
        _sign_in_screen()
        st.stop()
    identity = str(st.user.get("email") or st.user.get("sub") or "unknown")
    return Actor(identity, Role.parse(s.role_for(identity)))


def _sign_in_screen() -> None:
    st.title("Sign in")
    st.write("This dashboard holds customer data. Sign in with your company account to continue.")
    try:
        st.button("Sign in", type="primary", key="sign_in", on_click=st.login)
    except Exception as exc:  # noqa: BLE001 - misconfigured auth must say so, not crash
        st.error(f"Sign-in is not configured: {exc}. See the README's Security section.")
