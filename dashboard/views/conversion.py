"""Conversion: the view -> cart -> purchase funnel with options and breakdowns, audiences,
first-purchase cohorts, RFM tiers and customer lifetime value."""

import streamlit as st

from analytics.conversion import cohorts, funnels, rfm
from analytics.core import metrics
from dashboard.components import conversion, data, trust
from dashboard.components.context import settings
from dashboard.figures import conversion as charts
from dashboard.figures import conversion_tables as tables

who = trust.gate("view_charts")
st.title("Conversion")
st.caption("Where the shop loses people between viewing and buying, how customers come back, and what they are worth.")

flt = conversion.page_scope()
min_users = settings().min_group_size

# Funnel: options, chart, steps table.
st.subheader("Funnel")
options, count_by = conversion.funnel_options()
steps = data.cached(funnels.funnel, flt, options)
if int(steps["users"].iloc[0]) < min_users:
    st.info(f"Fewer than {min_users} users viewed a product under these filters; the funnel is not shown.")
else:
    st.plotly_chart(charts.funnel(steps, count_by), key="conv_funnel_chart")
    st.caption(metrics.caption("funnel", "step_conversion"))
    conversion.show(tables.steps_table(steps, options), key="conv_steps", name="funnel_steps")

# Breakdown by one or more columns.
st.markdown("**Breakdown**")
offered = [b for b in funnels.BREAKDOWNS if b != "segment" or data.cached(funnels.segments_available)]
breakdown = tuple(
    st.multiselect(
        "Break the funnel down by",
        offered,
        default=["device"],
        key="conv_breakdown",
        format_func=funnels.BREAKDOWN_LABELS.get,
    )
)
if breakdown:
    groups = data.cached(funnels.funnel_breakdown, flt, options, breakdown)
    groups = groups.assign(group=groups[list(breakdown)].astype(str).agg(" / ".join, axis=1))
    shown, hidden = conversion.mask_small_groups(groups, "users_view", ["overall_conversion"], min_users)
    top = shown.dropna(subset=["overall_conversion"]).head(15)
    if not top.empty:
        st.plotly_chart(
            charts.group_bars(top, "group", "overall_conversion", "Viewers who bought, largest groups first"),
            key="conv_breakdown_chart",
        )
    st.caption(metrics.caption("funnel") + " Bars: users who bought / users who viewed, per group.")
    conversion.hidden_note(hidden, min_users, "groups")
    conversion.show(
        tables.breakdown_table(groups, breakdown), key="conv_breakdown", name="funnel_breakdown", users_column="viewed"
    )

# Audience: the users of a step, exported or saved.
st.markdown("**Audience**")
conversion.audience_panel(who, flt, options)

# Cohorts: retention heatmap.
st.subheader("Cohorts")
grain = st.radio("Cohorts by first purchase", ["week", "month"], horizontal=True, key="conv_cohort_grain")
retention = data.cached(cohorts.retention, flt, grain)
shown, hidden = conversion.mask_small_groups(retention, "cohort_users", ["retention"], min_users)
heat = cohorts.heatmap(shown.dropna(subset=["retention"]))
if heat.empty:
    st.info(f"No first-purchase cohort of at least {min_users} customers up to {flt.end:%b %d, %Y}.")
else:
    st.plotly_chart(charts.retention_heatmap(heat, grain), key="conv_cohort_chart")
st.caption(metrics.caption("retention") + f" The 12 {grain}ly cohorts up to the end of the selected dates.")
conversion.hidden_note(hidden, min_users, "cohort cells")
trust.download(
    tables.cohort_table(retention, grain).frame,
    f"cohorts_{grain}",
    key="conv_cohort_download",
    users_column="customers",
)

# RFM tiers and CLV.
st.subheader("RFM tiers and customer value")
currencies = data.cached(rfm.currencies)
if not currencies:
    st.info("No customer orders yet.")
    st.stop()
currency = st.selectbox("Currency", currencies, key="conv_currency")
tiers = rfm.tiers(data.cached(rfm.scores, flt, currency))
shown, hidden = conversion.mask_small_groups(tiers, "customers", ["customers", "clv"], min_users)
visible = shown.dropna(subset=["customers"])
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.group_bars(visible, "tier", "customers", f"Customers by tier ({currency})", percent=False),
        key="conv_tier_chart",
    )
    st.caption(metrics.caption("rfm"))
with right:
    st.plotly_chart(
        charts.group_bars(
            visible.dropna(subset=["clv"]), "tier", "clv", f"Mean 12-month CLV by tier ({currency})", percent=False
        ),
        key="conv_clv_chart",
    )
    st.caption(metrics.caption("clv"))
conversion.show(
    tables.tier_table(tiers, currency), key="conv_tier", name=f"rfm_tiers_{currency}", users_column="customers"
)
st.caption("Values per tier are means per customer. " + metrics.caption("churn_risk"))
st.caption(conversion.clv_check_sentence(data.cached(rfm.clv_models), currency))
