"""Data: what is loaded, how fresh it is, what looks wrong, and the jobs that write it."""

import streamlit as st

from analytics.core.status import warehouse_status
from dashboard.components import data, jobs, trust, upload

who = trust.gate("view_charts")
st.title("Data")
st.caption("What the dashboard is reading: row counts, date range, freshness and data-quality checks.")
upload.import_panel(who)

snap = data.require_warehouse()
status = data.cached(warehouse_status)
counts = status["tables"]

cols = st.columns(6)
for col, (label, value) in zip(cols, [*counts.items(), ("sessions", status["sessions"])], strict=True):
    col.metric(label.capitalize(), f"{value:,}")
st.write(
    f"Events from **{(status['first_event'] or '-')[:10]}** to **{(status['last_event'] or '-')[:10]}** (UTC). "
    f"Snapshot {snap.seq}, published {snap.published_at} UTC; schema version {status['schema_version']}."
)

st.subheader("Imports")
st.caption("Each file or demo build loaded into the warehouse; importing the same file twice changes nothing.")
trust.show_table(data.query("recent_imports"), key="imports_table")

st.subheader("Data-quality checks")
st.caption("Rows each check flags. Warnings deserve a look before trusting the charts; info rows explain choices.")
quality = data.query("data_quality")
flagged = quality[(quality["severity"] == "warning") & (quality["count_rows"] > 0)]
for row in flagged.itertuples():
    st.warning(f"**{row.check_name.replace('_', ' ')}**: {row.count_rows:,} — {row.definition}")
if flagged.empty:
    st.success("No warnings.")
trust.show_table(quality, key="quality_table")

st.subheader("Jobs")
st.caption("Imports, demo builds and model jobs. Each writes in batches and publishes when it ends.")
trust.show_table(jobs.job_table(), key="jobs_table")

if who.can("build_demo"):
    with st.expander("Rebuild the demo shop"):
        st.write("Replaces everything in the warehouse with a freshly generated demo shop.")
        events = st.number_input("Events", 10_000, 20_000_000, 200_000, step=50_000, key="demo_events")
        seed = st.number_input("Seed", 0, 2**31 - 1, 7, key="demo_seed")
        if st.button("Rebuild demo data", key="demo_rebuild"):
            job_id = jobs.start_job(
                who,
                "build_demo",
                "demo",
                ["demo", "--events", str(int(events)), "--seed", str(int(seed)), "--replace"],
                {"events": int(events), "seed": int(seed), "replace": True},
            )
            st.toast(f"Demo build started (job {job_id}).")
