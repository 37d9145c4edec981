"""The dashboard's read path: the current published snapshot and cached query results."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from analytics.core import jobs, queries, warehouse
from analytics.core.warehouse import Snapshot
from dashboard.components.context import settings


@st.cache_resource(max_entries=3, show_spinner=False)
def _reader(path: str, seq: int) -> duckdb.DuckDBPyConnection:
    # Keyed by the snapshot: a newly published snapshot opens a new connection; the old one
    # is dropped from the cache and closed when no rerun uses it any more.
    page = settings()
    return warehouse.open_reader(Snapshot(seq, Path(path), "", None), page.page_memory_limit, page.page_threads)


def snapshot() -> Snapshot | None:
    """The snapshot this rerun reads (the pointer file is read on every rerun: one small read).

    A snapshot older than this code's schema is not read: an upgrade job is started instead and
    the page says so (its SQL may need tables or macros the old snapshot lacks)."""
    jobs.launch_finish_unpublished(settings())  # a crashed job's unpublished work: one more small read
    snap = warehouse.current_snapshot(settings())
    if snap is not None and (missing := _missing_migrations(str(snap.path), snap.seq)):
        jobs.launch_schema_upgrade(settings(), missing)
        st.info(
            f"The published warehouse lacks schema migrations {', '.join(map(str, missing))} that this "
            "version of the app needs. An upgrade job is running (see Jobs in the sidebar); "
            "the page reloads when it is published."
        )
        st.stop()
    return snap


@st.cache_data(show_spinner=False, max_entries=8)
def _missing_migrations(path: str, seq: int) -> list[int]:
    # Per snapshot: a published snapshot never changes, so one read each.
    return warehouse.missing_migrations(_reader(path, seq).cursor())


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the current snapshot; each thread (session) uses its own cursor."""
    snap = snapshot()
    if snap is None:
        raise LookupError("no warehouse has been published yet")
    return _reader(str(snap.path), snap.seq).cursor()


def require_warehouse() -> Snapshot:
    """Stop the page with guidance when there is no data yet."""
    snap = snapshot()
    if snap is None:
        st.info(
            "No data yet. Build the demo shop with `python -m analytics demo` "
            "(or `make run`, which builds it), or import your own data on the Data page."
        )
        st.stop()
    return snap


def query(name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """A named SQL file's result on the current snapshot, cached per snapshot and parameters."""
    snap = require_warehouse()
    return _with_lifetime(_run_query)(str(snap.path), snap.seq, name, _freeze(params or {}))


def cached(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an analytics function ``fn(con, *args, **kwargs)`` on the current snapshot, cached.

    Arguments must be hashable plain values (dates, tuples, frozen dataclasses).
    """
    snap = require_warehouse()
    fn_path = f"{fn.__module__}.{fn.__qualname__}"
    return _with_lifetime(_run_call)(str(snap.path), snap.seq, fn_path, args, tuple(sorted(kwargs.items())))


def _with_lifetime(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` behind the query cache, whose entries live ``query_cache_ttl_s`` seconds."""
    return _query_cache(fn, settings().query_cache_ttl_s)


@functools.cache
def _query_cache(fn: Callable[..., Any], ttl_s: float) -> Callable[..., Any]:
    # The lifetime is a setting, so the st.cache_data wrapper is made when it is first needed,
    # once per lifetime. Streamlit keys the cache by the function, so a changed lifetime
    # replaces the old cache with a fresh one.
    return st.cache_data(ttl=ttl_s, max_entries=2000, show_spinner=False)(fn)


# Cached per snapshot file (path and number: two warehouses in one process, as in tests, each
# have a snapshot 1) and per parameters.
def _run_query(path: str, seq: int, name: str, params: tuple) -> pd.DataFrame:
    return queries.frame(cursor(), name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def _run_call(path: str, seq: int, fn_path: str, args: tuple, kwargs: tuple) -> Any:
    module, _, name = fn_path.rpartition(".")
    fn = getattr(importlib.import_module(module), name)
    return fn(cursor(), *args, **dict(kwargs))


def _freeze(params: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
