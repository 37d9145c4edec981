"""Entry script: page config, sign-in, the shared sidebar, and the router. Nothing else."""

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root
# where the analytics and models packages live.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard.components import frame, jobs  # noqa: E402

st.set_page_config(page_title="Shop analytics", page_icon=":material/insights:", layout="wide")
who = frame.start()
page = st.navigation(frame.pages_for(who))
frame.sidebar(who, page)
jobs.first_launch(page)  # the demo shop's reviews are scored on first launch
page.run()
