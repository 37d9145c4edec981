"""Conversion page on the small demo shop: funnel options, breakdowns, audience, cohorts, RFM tiers."""

from analytics.conversion import funnels, rfm
from analytics.conversion.funnels import FunnelOptions
from tests.app.conversion_support import default_filters, table_with


def _users(con, options: FunnelOptions | None = None, **lists) -> list[int]:
    return funnels.funnel(con, default_filters(con, **lists), options or FunnelOptions())["users"].tolist()


def test_funnel_table_shows_users_per_step(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    assert not at.exception
    assert table_with(at, "users lost")["users"].tolist() == _users(demo_con)


def test_cart_optional_changes_the_purchase_step(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.checkbox(key="conv_cart_optional").check().run()
    shown = table_with(at, "users lost")["users"].tolist()
    assert shown == _users(demo_con, FunnelOptions(cart_optional=True)) != _users(demo_con)


def test_across_sessions_counts_users_only(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.radio(key="conv_scope").set_value("across sessions").run()
    table = table_with(at, "users lost")
    assert "sessions" not in table.columns
    assert table["users"].tolist() == _users(demo_con, FunnelOptions(across_sessions=True))


def test_category_filter_changes_the_funnel(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.multiselect(key="flt_categories").set_value(["electronics"]).run()
    assert table_with(at, "users lost")["users"].tolist() == _users(demo_con, categories=("electronics",))


def test_breakdown_by_category_hides_small_groups(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    at.multiselect(key="conv_breakdown").set_value(["category"]).run()
    table = table_with(at, "Category")
    expected = funnels.funnel_breakdown(demo_con, default_filters(demo_con), FunnelOptions(), ("category",))
    expected = expected[expected["users_view"] >= 20]
    assert table.set_index("Category")["viewed"].to_dict() == expected.set_index("category")["users_view"].to_dict()


def test_abandoned_carts_audience_size(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    users = funnels.audience(demo_con, default_filters(demo_con), FunnelOptions(), "cart", "purchase")
    assert any(m.value.startswith(f"{len(users):,} users") for m in at.markdown)


def test_rfm_tiers_show_only_tiers_of_twenty_customers(demo_app, demo_con):
    at = demo_app("conversion")
    at.run()
    currency = rfm.currencies(demo_con)[0]
    tiers = rfm.tiers(rfm.scores(demo_con, default_filters(demo_con), currency))
    shown = table_with(at, "churn risk").set_index("tier")["customers"].to_dict()
    assert shown == tiers[tiers["customers"] >= 20].set_index("tier")["customers"].to_dict()


def test_cohort_heatmap_appears_with_a_smaller_minimum_and_month_grain(demo_app):
    at = demo_app("conversion", min_group_size=5)
    at.run()
    weekly = len(at.get("plotly_chart"))
    at.radio(key="conv_cohort_grain").set_value("month").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == weekly
    assert not any("No first-purchase cohort" in i.value for i in at.info)
