"""The trust building blocks: roles, PII masking, minimum group size, safe export."""

import io

import pandas as pd
import pytest

from analytics.trust import export, privacy
from analytics.trust.access import ACTIONS, Actor, PermissionDenied, Role, require

VIEWER, MARKETER, ADMIN = (Actor(n, r) for n, r in (("v", Role.VIEWER), ("m", Role.MARKETER), ("a", Role.ADMIN)))


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_has_a_least_role(action):
    needed = ACTIONS[action]
    for who in (VIEWER, MARKETER, ADMIN):
        if who.role >= needed:
            require(who, action)
        else:
            with pytest.raises(PermissionDenied, match=f"needs the {needed.name.lower()} role"):
                require(who, action)


def test_viewer_cannot_import_or_export_users():
    assert not VIEWER.can("import_data") and not VIEWER.can("export_users")
    assert MARKETER.can("export_users") and not MARKETER.can("import_data")


def test_unknown_action_and_role_are_errors():
    with pytest.raises(ValueError, match="unknown action"):
        require(ADMIN, "launch_rockets")
    with pytest.raises(ValueError, match="valid roles: viewer, marketer, admin"):
        Role.parse("owner")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.doe+shop@example.co.uk please", "mail me at [email] please"),
        ("call +44 20 7946 0958 after 5", "call [phone] after 5"),
        ("my number is (555) 123-4567.", "my number is [phone]."),
        ("card 4111 1111 1111 1111 was charged", "card [card] was charged"),
        ("size 38, paid $129.99 in 2024, 3 stars", "size 38, paid $129.99 in 2024, 3 stars"),
        ("order 12345 arrived", "order 12345 arrived"),
        ("2019-11-03 11:15:00", "2019-11-03 11:15:00"),
        ("delivered 03.11.2019 at noon", "delivered 03.11.2019 at noon"),
        ("512345678", "512345678"),
        ("text me 5551234567 tonight", "text me [phone] tonight"),
        ("+15551234567", "[phone]"),
    ],
)
def test_mask_pii(text, expected):
    assert privacy.mask_pii(text) == expected


def test_mask_columns_leaves_numbers_and_nulls():
    df = pd.DataFrame({"text": ["x@y.com", None], "n": [1, 2]})
    out = privacy.mask_columns(df)
    assert out["text"].tolist()[0] == "[email]" and pd.isna(out["text"].tolist()[1])
    assert out["n"].tolist() == [1, 2] and df["text"][0] == "x@y.com"  # input untouched


def test_suppress_and_merge_small_groups():
    df = pd.DataFrame({"brand": ["a", "b", "c", "d"], "users": [100, 19, 12, 20], "revenue": [1.0, 2.0, 3.0, 4.0]})
    kept, hidden = privacy.suppress_small_groups(df, "users", 20)
    assert kept["brand"].tolist() == ["a", "d"] and hidden == 2
    merged = privacy.merge_small_groups(df, "users", 20, "brand", ["revenue"])
    assert merged["brand"].tolist() == ["a", "d", "other"]
    assert merged.loc[2, "users"] == 31 and merged.loc[2, "revenue"] == 5.0
    tiny = privacy.merge_small_groups(df.iloc[[0, 2]], "users", 20, "brand", ["revenue"])
    assert tiny["brand"].tolist() == ["a"]  # an "other" still under the minimum is dropped


def test_formulas_are_neutralised_in_csv():
    df = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "ok"], "n": [1, 2, 3, 4, 5]})
    csv = export.to_bytes(export.safe_text(df), "csv").decode()
    assert "'=HYPERLINK" in csv and "'@SUM" in csv and "'+1" in csv and "\nok," in csv


def test_user_list_export_respects_consent_and_minimum():
    users = pd.DataFrame(
        {"user_id": [f"u{i}" for i in range(30)], "marketing_consent": [True] * 19 + [False] * 10 + [None]}
    )
    with pytest.raises(export.ExportRefused, match="lists 19 users"):  # 6 of the first 25 declined
        export.safe_user_list(users.iloc[:25], min_group_size=20)
    out = export.safe_user_list(users, min_group_size=20)
    assert len(out) == 20 and not (out["marketing_consent"] == False).any()  # noqa: E712


def test_breakdown_export_drops_small_groups_and_masks():
    df = pd.DataFrame({"segment": ["a", "b"], "users": [50, 3], "note": ["ring 0044 1234 567890", "x"]})
    out = export.safe_breakdown(df, users_column="users", min_group_size=20)
    assert out["segment"].tolist() == ["a"] and out["note"][0] == "ring [phone]"
    parquet = pd.read_parquet(io.BytesIO(export.to_bytes(out, "parquet")))
    assert parquet.equals(out)
