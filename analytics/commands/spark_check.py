"""`spark-check`: prove a Spark setup: the marts and the Overview/Conversion page queries give
the same values on Spark as on DuckDB, on a sample of the published warehouse.

The published snapshot is copied (the warehouse itself is never written), cut to a sample of
users, and refreshed twice: by DuckDB and by Spark (``spark_master``, ``lake_path``). Every mart
table is compared, then every page query runs on DuckDB and on Spark over the same tables.
Floats must agree to 1e-9 relative. Exit status 1 names each difference.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.cli import CliError
from analytics.conversion import cohorts, funnels, rfm, trends
from analytics.core import marts, queries, warehouse
from analytics.core.filters import Filters
from models.settings import Settings

NAME = "spark-check"
HELP = "check that Spark (spark_master) gives the same marts and page answers as DuckDB on a sample"
RELATIVE_TOLERANCE = 1e-9
FILTER_LABELS = ("recent", "all", "filtered")
# One query of each page query function, for a quick check (the full set covers every option).
QUICK = re.compile(
    r"^(traffic_totals|sales_totals|rfm_scores|rfm_currencies|clv_models)\b|"
    r"^(traffic_trend|sales_trend)\[\w+,day\]|^cohort_retention\[\w+,month\]|"
    r"^(funnel|audience)\[\w+,(strict|across_sessions)\]|^funnel_breakdown\[\w+,(category|segment)\]"
)
MART_TABLES = (*marts.SQL_MARTS, "mart_customer_value", "mart_clv_models")

PageQuery = Callable[[Any], pd.DataFrame]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sample-users",
        type=int,
        default=2_000,
        metavar="N",
        help="users of the published warehouse to check on (default 2000; 0 = all)",
    )
    parser.add_argument("--quick", action="store_true", help="one query of each page function, not every option")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from analytics.core.engines.spark_engine import SparkUnavailable

    if args.sample_users < 0:
        raise CliError(f"--sample-users must be 0 (all) or more (got {args.sample_users})")
    snapshot = warehouse.current_snapshot(settings)
    if snapshot is None:
        raise CliError(f"no warehouse has been published at {settings.db_path}")
    started = time.perf_counter()
    try:
        problems, checked = check(settings, snapshot.path, args.sample_users or None, quick=args.quick)
    except SparkUnavailable as exc:
        raise CliError(str(exc)) from exc
    for problem in problems:
        print(f"DIFFERENT {problem}")
    verdict = "differences found" if problems else "same answers"
    print(
        f"spark-check on {settings.spark_master}: {checked} tables and queries compared, {verdict} "
        f"({time.perf_counter() - started:.0f}s)"
    )
    return 1 if problems else 0


def check(
    settings: Settings,
    source: Path,
    sample_users: int | None,
    labels: tuple[str, ...] = FILTER_LABELS,
    quick: bool = False,
) -> tuple[list[str], int]:
    """Refresh a sampled copy of ``source`` on both engines and compare the marts and the page
    queries under the filter sets ``labels`` (``quick``: one query of each function);
    returns (differences, tables and queries compared)."""
    from analytics.core.engines.spark_engine import SparkEngine

    engine = SparkEngine(settings)
    try:
        return _check(engine, source, sample_users, labels, quick)
    finally:
        engine.close()


def _check(
    engine: Any, source: Path, sample_users: int | None, labels: tuple[str, ...], quick: bool
) -> tuple[list[str], int]:
    from analytics.core.engines.spark_engine import SparkConnection

    with tempfile.TemporaryDirectory(prefix="spark-check-") as folder:
        duck_path, spark_path = Path(folder, "duckdb.duckdb"), Path(folder, "spark.duckdb")
        sample_warehouse(source, duck_path, sample_users)
        shutil.copyfile(duck_path, spark_path)
        with duckdb.connect(duck_path) as duck, duckdb.connect(spark_path) as on_spark:
            marts.refresh(duck, full=True)  # the reference: a full DuckDB rebuild
            marts.refresh(on_spark, engine)
            problems = mart_differences(duck, on_spark, MART_TABLES)
            engine.mirror(on_spark)
            pages = page_queries(duck, labels)
            if quick:
                pages = {name: query for name, query in pages.items() if QUICK.search(name)}
            problems += page_differences(duck, SparkConnection(engine.spark), pages)
    return problems, len(MART_TABLES) + len(pages)


def sample_warehouse(source: Path, target: Path, users: int | None) -> None:
    """Copy ``source`` to ``target`` keeping the events of ``users`` users (chosen by a hash of
    their id, so the same warehouse gives the same sample) and the anonymous events."""
    shutil.copyfile(source, target)
    if users is None:
        return
    with duckdb.connect(target) as con:
        con.execute(
            "delete from events where user_id is not null and user_id not in ("
            "select user_id from (select distinct user_id from events where user_id is not null) "
            "order by hash(user_id), user_id limit $users)",
            {"users": users},
        )


def page_queries(con: duckdb.DuckDBPyConnection, labels: tuple[str, ...] = FILTER_LABELS) -> dict[str, PageQuery]:
    """Every Overview and Conversion query function, under the filters and options the pages
    offer: the last 30 days (recent), three years (all), the last 30 days with a category and a
    device filter (filtered); the funnel options, each breakdown."""
    last = _as_date(queries.one(con, "event_date_range").get("last_day")) or date.today()
    recent = Filters(last - timedelta(days=29), last)
    everything = Filters(last - timedelta(days=3 * 365), last)
    options = queries.frame(con, "filter_options")
    first = {kind: rows["value"].iloc[0] for kind, rows in options.groupby("filter")}
    category, device = first.get("category"), first.get("device")
    narrowed = Filters(
        recent.start, recent.end, categories=(category,) if category else (), devices=(device,) if device else ()
    )
    found: dict[str, PageQuery] = {}
    sets = {"recent": recent, "all": everything, "filtered": narrowed}
    for label in labels:
        found |= _queries_for(label, sets[label])
    for currency in rfm.currencies(con):
        found[f"rfm_scores[{currency}]"] = lambda c, cur=currency: rfm.scores(c, everything, cur)
    found["rfm_currencies"] = lambda c: pd.DataFrame({"currency": rfm.currencies(c)})
    found["clv_models"] = rfm.clv_models
    return found


def _queries_for(label: str, flt: Filters) -> dict[str, PageQuery]:
    variants = {
        "strict": funnels.FunnelOptions(),
        "any_order": funnels.FunnelOptions(any_order=True),
        "cart_optional": funnels.FunnelOptions(cart_optional=True),
        "across_sessions": funnels.FunnelOptions(across_sessions=True, window_days=7),
    }
    found: dict[str, PageQuery] = {
        f"traffic_totals[{label}]": lambda c: trends.traffic_totals(c, flt),
        f"sales_totals[{label}]": lambda c: trends.sales_totals(c, flt),
    }
    for grain in ("day", "week"):
        found[f"traffic_trend[{label},{grain}]"] = lambda c, g=grain: trends.traffic_trend(c, flt, g)
        found[f"sales_trend[{label},{grain}]"] = lambda c, g=grain: trends.sales_trend(c, flt, g)
    for grain in cohorts.GRAINS:
        found[f"cohort_retention[{label},{grain}]"] = lambda c, g=grain: cohorts.retention(c, flt, g)
    for name, options in variants.items():
        found[f"funnel[{label},{name}]"] = lambda c, o=options: funnels.funnel(c, flt, o)
        found[f"audience[{label},{name}]"] = lambda c, o=options: funnels.audience(c, flt, o, "cart", "purchase")
    for breakdown in funnels.BREAKDOWNS:
        found[f"funnel_breakdown[{label},{breakdown}]"] = lambda c, b=breakdown: funnels.funnel_breakdown(
            c, flt, funnels.FunnelOptions(), (b,)
        )
    return found


def mart_differences(left: Any, right: Any, tables: Iterable[str]) -> list[str]:
    """Tables whose rows differ between two warehouses, each with what differs."""
    problems = []
    for table in tables:
        # Table names are this module's literals (the marts).
        sql = f"select * from {table}"
        problem = frame_difference(table, left.execute(sql).df(), right.execute(sql).df())
        if problem:
            problems.append(problem)
    return problems


def page_differences(left: Any, right: Any, pages: dict[str, PageQuery]) -> list[str]:
    """Page queries whose answers differ between two connections (DuckDB, Spark)."""
    from pyspark.errors import PySparkException

    from analytics.core.engines.transpile import TranspileError

    problems = []
    for name, query in pages.items():
        try:
            problem = frame_difference(name, query(left), query(right))
        except (PySparkException, TranspileError) as exc:  # a query Spark cannot run is a difference
            problem = f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        if problem:
            problems.append(problem)
    return problems


def frame_difference(name: str, left: pd.DataFrame, right: pd.DataFrame) -> str | None:
    """None when two result frames hold the same rows (any order) and values (floats to 1e-9
    relative); else a sentence saying what differs."""
    if list(left.columns) != list(right.columns):
        return f"{name}: columns {list(left.columns)} vs {list(right.columns)}"
    if len(left) != len(right):
        return f"{name}: {len(left)} rows on DuckDB, {len(right)} on Spark"
    left, right = _canonical(left), _canonical(right)
    for column in left.columns:
        a, b = left[column], right[column]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            a, b = a.astype(float).to_numpy(), b.astype(float).to_numpy()
            same = np.isclose(a, b, rtol=RELATIVE_TOLERANCE, atol=0, equal_nan=True)
        else:
            a_null, b_null = a.isna().to_numpy(), b.isna().to_numpy()
            # pd.NA refuses comparison: nulls become None first, and count as equal only to nulls
            equal = a.astype(object).where(~a_null, None).to_numpy() == b.astype(object).where(~b_null, None).to_numpy()
            same = (a_null & b_null) | (~a_null & ~b_null & equal)
        if not same.all():
            row = int(np.flatnonzero(~same)[0])
            return f"{name}: column {column} differs in {int((~same).sum())} rows, e.g. {a[row]!r} vs {b[row]!r}"
    return None


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object and values.map(lambda v: isinstance(v, date | datetime)).any():
            out[column] = pd.to_datetime(values)
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.astype("datetime64[us]")
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
            out[column] = values.astype("Int64")
        elif pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype(float)
    keys = list(out.columns)
    return out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)


def _as_date(value: Any) -> date | None:
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value
