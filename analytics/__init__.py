"""Data side of the product: warehouse, SQL, ingestion, demo data and analytics.

Nothing here imports streamlit; functions take a DuckDB connection and plain values.
"""
