"""This run's settings (built once per script run by the frame) and the signed-in actor."""

from __future__ import annotations

import streamlit as st

from analytics.trust.access import Actor, Role, missing_auth_keys, signed_in_actor
from models.settings import Settings, load_settings

# Session state holds this run's settings: the frame builds them at the start of every full
# run, and fragment reruns (which skip the frame) reuse those of the run they belong to.
SETTINGS_KEY = "run_settings"


def build_settings() -> Settings:
    """Build the one settings object for this script run: defaults, config file, secrets
    ``[settings]``, environment. The frame calls it once per run, so a changed secrets file or
    environment takes effect on the next rerun without restarting the server."""
    built = load_settings(secrets=_secret_settings())
    st.session_state[SETTINGS_KEY] = built
    return built


def settings() -> Settings:
    """This run's settings, as the frame built them.

    A page script run on its own (a test running one view file, no frame) builds its own
    on each call rather than keeping any: only the frame decides what a run's settings are.
    """
    built = st.session_state.get(SETTINGS_KEY)
    return built if built is not None else load_settings(secrets=_secret_settings())


def _secret_settings() -> dict:
    try:
        return _plain(st.secrets.get("settings", {}))
    except FileNotFoundError:  # no secrets.toml: defaults, config file and environment only
        return {}


def _plain(value: object) -> object:
    if hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    return value


def auth_table() -> dict:
    """The ``[auth]`` table of the secrets, which ``st.login`` reads; {} without one."""
    try:
        return _plain(st.secrets.get("auth", {}))
    except FileNotFoundError:
        return {}


def actor() -> Actor:
    """Who is using this session. Outside demo mode this stops the page until sign-in."""
    s = settings()
    if s.demo_mode:
        return Actor("demo", Role.ADMIN)
    # Without an [auth] table st.user has no is_logged_in at all, hence get().
    if not st.user.get("is_logged_in", False):
        missing = missing_auth_keys(auth_table())
        if missing:
            _not_configured_screen(missing)
        else:
            _sign_in_screen()
        st.stop()
    return signed_in_actor(st.user.to_dict(), s)


def _sign_in_screen() -> None:
    st.title("Sign in")
    st.write("This dashboard holds customer data. Sign in with your company account to continue.")
    st.button("Sign in", type="primary", key="sign_in", on_click=st.login)


def _not_configured_screen(missing: list[str]) -> None:
    keys = ", ".join(f"`{key}`" for key in missing)
    st.title("Sign-in is not configured")
    st.markdown(
        f"Demo mode is off, so every page needs sign-in, but the `[auth]` table of "
        f"`.streamlit/secrets.toml` lacks {keys}. Fill it in as `.streamlit/secrets.example.toml` "
        "shows (the README's Security section explains each key), or set `demo_mode = true` to "
        "use the demo shop without sign-in."
    )
