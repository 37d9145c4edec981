"""Sign-in fails closed: roles only from verified e-mails or the configured role claim, the
"not configured" screen when the [auth] table is missing, 127.0.0.1 by default, and a banner
whenever the app listens beyond this computer without sign-in."""

from __future__ import annotations

import tomllib

import pytest
from streamlit import config as st_config

from analytics.core import jobs
from analytics.trust.access import AUTH_KEYS, Role, missing_auth_keys, signed_in_actor
from models.settings import Settings
from tests.app.conftest import make_app
from tests.conftest import ROOT

# What st.login needs in .streamlit/secrets.toml; values are never contacted in these tests.
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-forty-characters-",
    "client_id": "shop-analytics",
    "client_secret": "test-client-secret",
    "server_metadata_url": "https://id.shop.test/.well-known/openid-configuration",
}
ROLES = {"alice@shop.test": "admin"}


@pytest.fixture
def published(settings):
    jobs.run_job(settings, "noop", lambda ctx: None)
    return settings


@pytest.fixture
def server_address():
    """Set ``server.address`` for one test as `--server.address` would, and restore it."""
    before = st_config.get_option("server.address")
    yield lambda value: st_config.set_option("server.address", value)
    st_config.set_option("server.address", before)


def _signed_in(settings: Settings, user: dict, **extra_settings):
    at = make_app(settings, demo_mode=False, **extra_settings)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **user}
    at.run()
    assert not at.exception
    return at


def _shown_role(at) -> str:
    caption = next(c.value for c in at.sidebar.caption if c.value.startswith("Signed in as"))
    return caption.rsplit("(", 1)[1].rstrip(")")


def _banner(at) -> list[str]:
    return [e.value for e in at.error if "beyond this computer" in e.value]


def test_verified_email_gets_its_role(published):
    at = _signed_in(published, {"email": "alice@shop.test", "email_verified": True}, roles=ROLES)
    assert _shown_role(at) == "admin"


@pytest.mark.parametrize("verified", [False, "false", None], ids=["false", "string-false", "absent"])
def test_unverified_email_does_not_get_its_role(published, verified):
    # A provider that lets anyone register an address would otherwise hand out alice's role.
    user = {"email": "alice@shop.test"} | ({} if verified is None else {"email_verified": verified})
    at = _signed_in(published, user, roles=ROLES)
    assert _shown_role(at) == "viewer"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(str(ROOT / "dashboard" / "views" / "audit.py"))


def test_role_claim_gives_the_role(published):
    user = {"email": "carol@shop.test", "email_verified": True, "shop_role": "marketer"}
    at = _signed_in(published, user, role_claim="shop_role")
    assert _shown_role(at) == "marketer"


def test_subject_alone_gets_the_default_role(published):
    at = _signed_in(published, {"sub": "alice@shop.test"}, roles=ROLES)
    assert _shown_role(at) == "viewer"


@pytest.mark.parametrize("user", [{}, {"email": "test@example.com"}], ids=["no-user", "apptest-default"])
def test_no_auth_table_shows_sign_in_not_configured(published, user):
    # Without an [auth] table st.user has no is_logged_in at all: that must not crash the page.
    at = make_app(published, demo_mode=False)
    at.user = user
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    assert all(key in at.markdown[0].value for key in AUTH_KEYS)


def test_incomplete_auth_table_names_what_is_missing(published):
    at = make_app(published, demo_mode=False)
    at.secrets["auth"] = {k: v for k, v in AUTH.items() if k != "client_secret"}
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert "`client_secret`" in at.markdown[0].value and "`client_id`" not in at.markdown[0].value


def test_config_binds_this_computer_only():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


@pytest.mark.parametrize("address", ["", "0.0.0.0", "::", "192.168.1.20", "shop-analytics.internal"])
def test_demo_mode_beyond_this_computer_shows_a_banner(published, server_address, address):
    server_address(address)
    at = make_app(published)
    at.run()
    assert not at.exception
    assert len(_banner(at)) == 1


def test_no_sign_in_beyond_this_computer_shows_a_banner(published, server_address):
    server_address("0.0.0.0")
    at = make_app(published, demo_mode=False)
    at.run()
    assert [t.value for t in at.title] == ["Sign-in is not configured"]
    assert len(_banner(at)) == 1


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.1.1", "localhost", "::1"])
def test_demo_mode_on_this_computer_has_no_banner(published, server_address, address):
    server_address(address)
    at = make_app(published)
    at.run()
    assert not at.exception
    assert _banner(at) == []


def test_signed_in_beyond_this_computer_has_no_banner(published, server_address):
    server_address("0.0.0.0")
    at = _signed_in(published, {"email": "alice@shop.test", "email_verified": True}, roles=ROLES)
    assert _banner(at) == []


# The rule itself, without Streamlit.
def _settings(**changes) -> Settings:
    return Settings().with_overrides(demo_mode=False, **changes)


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "Alice@Shop.test", "email_verified": True}, Role.ADMIN),
        ({"email": "alice@shop.test", "email_verified": "true"}, Role.ADMIN),  # some providers send a string
        ({"email": "alice@shop.test", "email_verified": 1}, Role.VIEWER),
        ({"email": "alice@shop.test"}, Role.VIEWER),
        ({"sub": "alice@shop.test"}, Role.VIEWER),
    ],
)
def test_roles_setting_applies_to_verified_emails_only(claims, role):
    assert signed_in_actor(claims, _settings(roles={"alice@shop.test": "admin"})).role is role


@pytest.mark.parametrize(
    ("claim", "role"),
    [
        ("marketer", Role.MARKETER),
        ("Admin", Role.ADMIN),
        (["viewer", "marketer", "billing"], Role.MARKETER),  # a groups-style list: the highest known role
        ("superuser", Role.VIEWER),  # not a role: default_role
        ({"role": "admin"}, Role.VIEWER),
    ],
)
def test_role_claim_values(claim, role):
    claims = {"email": "carol@shop.test", "shop_role": claim}
    assert signed_in_actor(claims, _settings(role_claim="shop_role")).role is role


def test_role_claim_is_read_only_when_configured():
    claims = {"email": "mallory@shop.test", "email_verified": True, "role": "admin"}
    assert signed_in_actor(claims, _settings()).role is Role.VIEWER


def test_actor_name_is_the_email_else_the_subject():
    assert signed_in_actor({"email": "bob@shop.test", "sub": "123"}, _settings()).name == "bob@shop.test"
    assert signed_in_actor({"sub": "123"}, _settings()).name == "123"


def test_missing_auth_keys():
    assert missing_auth_keys(None) == list(AUTH_KEYS)
    assert missing_auth_keys(AUTH) == []
    assert missing_auth_keys(AUTH | {"cookie_secret": ""}) == ["cookie_secret"]
