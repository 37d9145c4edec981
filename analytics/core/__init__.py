"""The platform every domain stands on: the DuckDB warehouse and its snapshots, the one SQL loader,
the job runner, the app-state file, the marts, shared filters and metric definitions."""
