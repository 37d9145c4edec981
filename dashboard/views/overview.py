"""Overview: the shop's KPIs against the previous period, and conversion and revenue trends."""

import streamlit as st

from analytics.conversion import trends
from analytics.core import metrics
from dashboard.components import conversion, data, trust
from dashboard.components.context import settings
from dashboard.figures import conversion as charts
from dashboard.figures import conversion_tables as tables

who = trust.gate("view_charts")
st.title("Overview")
st.caption("How the shop converts and sells in the selected dates, against the same number of days just before.")

flt = conversion.page_scope()
min_users = settings().min_group_size
previous = flt.previous_period()
st.write(
    f"**{flt.start:%b %d, %Y} - {flt.end:%b %d, %Y}** ({flt.days} days) against "
    f"{previous.start:%b %d} - {previous.end:%b %d, %Y}."
)

# KPI cards: this period, the change and whether it exceeds normal variation.
traffic = data.cached(trends.traffic_totals, flt)
sales = data.cached(trends.sales_totals, flt)
visitors = int(traffic.loc[traffic["period"] == "current", "visitors"].iloc[0])
if visitors < min_users:
    st.warning(
        f"These filters leave {visitors} visitors; numbers describing fewer than {min_users} users are not shown."
    )
    st.stop()
st.subheader("Traffic and conversion")
conversion.kpi_cards(trends.traffic_changes(traffic, data.cached(trends.traffic_trend, flt, "day")))
st.subheader("Sales")
current_sales = sales[sales["period"] == "current"]
buyers = current_sales.set_index(current_sales["currency"].fillna("(all)"))["purchasers"]
shown_currencies = {c for c, n in buyers.items() if n >= min_users}
changes = [
    c
    for c in trends.sales_changes(sales, data.cached(trends.sales_trend, flt, "day"))
    if (c.currency or "(all)") in shown_currencies
]
if not changes:
    st.caption(f"Fewer than {min_users} purchasers in these dates: sales figures are not shown.")
else:
    conversion.kpi_cards(changes)
    if len(shown_currencies) < len(buyers):
        st.caption(f"Currencies with fewer than {min_users} purchasers in these dates are not shown.")
st.caption(
    "A change is marked significant when a two-sided test at the 5% level rejects 'no change': a "
    "two-proportion z-test for rates, Welch's t-test on daily values for counts, revenue and AOV."
)

# Trends, current period against the previous one.
grain = st.radio("Trends by", ["day", "week"], horizontal=True, key="ov_grain")
traffic_trend = data.cached(trends.traffic_trend, flt, grain)
sales_trend = data.cached(trends.sales_trend, flt, grain)
shown, hidden = conversion.mask_small_groups(traffic_trend, "visitors", ["conversion_rate", "visitors"], min_users)
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.trend(shown, "conversion_rate", f"Conversion rate by {grain}", percent=True), key="ov_conversion_chart"
    )
    st.caption(metrics.caption("conversion_rate"))
    conversion.hidden_note(hidden, min_users)
with right:
    st.plotly_chart(charts.trend(shown, "visitors", f"Visitors by {grain}"), key="ov_visitors_chart")
    st.caption(metrics.caption("visitors"))

masked_sales = []
for currency in sorted(sales_trend["currency"].dropna().unique()):
    rows, hidden = conversion.mask_small_groups(
        sales_trend[sales_trend["currency"] == currency], "purchasers", ["revenue", "orders", "aov"], min_users
    )
    masked_sales.append(rows)
    if rows.loc[rows["period"] == "current", "revenue"].isna().mean() > 0.5:
        st.info(
            f"Most {grain}s have fewer than {min_users} buyers in {currency}: its revenue and AOV trends are not "
            "charted. Choose weekly trends or a wider date range."
        )
        continue
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            charts.trend(rows, "revenue", f"Revenue ({currency}) by {grain}", unit=currency),
            key=f"ov_revenue_chart_{currency}",
        )
        st.caption(metrics.caption("revenue"))
        conversion.hidden_note(hidden, min_users)
    with right:
        st.plotly_chart(
            charts.trend(rows, "aov", f"AOV ({currency}) by {grain}", unit=currency), key=f"ov_aov_chart_{currency}"
        )
        st.caption(metrics.caption("aov", "orders"))

st.subheader("Trend table")
st.caption(f"Each {grain} of both periods. " + metrics.caption("visitors", "purchasers", "conversion_rate"))
conversion.show(
    tables.trend_table(traffic_trend, masked_sales),
    key="ov_trend",
    name=f"overview_{grain}_trend",
    users_column="visitors",
)
