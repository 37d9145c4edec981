"""The platform every domain stands on: the DuckDB warehouse and its snapshots, the one SQL loader,
the job runner, the app-state file, the marts (with the CLV model the customer-value mart fits),
shared filters and metric definitions."""
