"""Fixtures for the importer tests: the made-up input files and a warehouse that already holds data."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.ingest import import_file

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"


def table_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str | None]]:
    """Row count and an order-independent content hash of every warehouse table."""
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' and not temporary order by 1"
        ).fetchall()
    ]
    hashes = {}
    for table in tables:  # names come from the catalog, not from input
        hashes[table] = con.execute(
            f"select count(*), md5(string_agg(md5(t::varchar), ',' order by md5(t::varchar))) from {table} t"
        ).fetchone()
    return hashes


def fill(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Import the good events, reviews and Olist files, so a refused import has something to leave alone."""
    import_file(con, GOOD / "rees46_small.csv")
    import_file(con, GOOD / "reviews_small.csv", "csv", GOOD / "reviews_small.toml")
    import_file(con, GOOD / "olist_small")
    return con
