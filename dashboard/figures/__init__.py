"""Pure builders of what the pages draw: plotly figures and display tables, from data frames.

Nothing here imports streamlit, so each builder is tested by building it from a small frame.
"""
