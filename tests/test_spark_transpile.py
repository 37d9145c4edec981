"""The Spark engine without a JVM: every query file transpiles, each rewrite does its one job,
macros expand from migration 050, parameters bind as typed literals, and a Spark that cannot
start says which setting or piece is missing."""

from __future__ import annotations

import re
import socket
import sys
from datetime import date, datetime

import pytest
import sqlglot

from analytics.core import queries
from analytics.core.engines import make_engine, spark_engine, transpile
from analytics.core.engines.duckdb_engine import DuckDBEngine
from models.settings import Settings, SettingsError, load_settings
from tests.conftest import IN_CI

# DuckDB constructs Spark cannot run; none may survive the transpiler in any query file.
DUCKDB_ONLY = re.compile(
    r"\b(DUCKDB_\w+|LIST_POSITION|LIST_CONTAINS|LIST_HAS_ANY|LIST_TRANSFORM|TO_WEEKS|TO_MONTHS|EPOCH|"
    r"MATERIALIZED|UNION ALL BY NAME|UNION BY NAME|QUANTILE_CONT|QUANTILE_DISC)\b|&&",
    re.IGNORECASE,
)


def need_pyspark() -> None:
    """pyspark installed (requirements-spark.txt); CI fails without it, elsewhere the test skips."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        message = "pyspark is missing: pip install -r requirements-spark.txt"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def spark(sql: str, params: dict | None = None) -> str:
    return re.sub(r"/\*.*?\*/", "", transpile.to_spark(sql, params or {}), flags=re.S).strip()


@pytest.mark.parametrize("name", sorted(queries.index()))
def test_every_query_file_transpiles_to_spark(name: str) -> None:
    text = re.sub(r"/\*.*?\*/", "", transpile.transpile_template(queries.sql(name), name), flags=re.S)
    assert not DUCKDB_ONLY.findall(text), f"{name}.sql keeps DuckDB-only constructs: {DUCKDB_ONLY.findall(text)}"
    assert not [m for m in transpile.macros() if re.search(rf"\b{m}\s*\(", text, re.I)], f"{name}: a macro is left"
    sqlglot.parse_one(text, read="spark")  # Spark SQL that SQLGlot reads back


def test_macros_are_read_from_migration_050() -> None:
    text = transpile.MACRO_FILE.read_text(encoding="utf-8")
    assert set(transpile.macros()) == set(re.findall(r"create macro (\w+)", text))
    assert transpile.macros()["filtered_sessions"].is_table
    assert not transpile.macros()["matches_filters"].is_table


def test_scalar_macro_expands_with_its_arguments() -> None:
    out = spark(
        "select * from t where matches_filters(c, b, s, d, $categories, $brands, null, null)",
        {"categories": ["x"], "brands": None},
    )
    assert "MATCHES_FILTERS" not in out.upper()
    assert "ARRAY_CONTAINS(CAST(ARRAY('x') AS ARRAY<STRING>), c)" in out
    assert "CAST(NULL AS ARRAY<STRING>) IS NULL" in out


def test_table_macros_nest_and_keep_the_alias() -> None:
    params = {"a": datetime(2024, 1, 1), "b": datetime(2024, 2, 1)}
    out = spark("select count(*) from filtered_sessions($a, $b, null, null, null, null, true) f", params)
    assert "mart_session_totals" in out and "mart_session_steps" in out
    assert ") AS f" in out
    assert "FILTERED_SESSIONS" not in out.upper() and "MATCHES_FILTERS" not in out.upper()


def test_macro_parameters_win_over_columns_of_the_same_name() -> None:
    # the body of reviews_in_scope compares column `model` with parameter `scoring_model`
    out = spark("select * from reviews_in_scope('m1', $s, $e, null, null)", {"s": date(2024, 1, 1), "e": None})
    assert "model = 'm1'" in out


def test_missing_parameter_names_the_query_and_parameter() -> None:
    with pytest.raises(transpile.TranspileError, match=r"recommend_split_point: parameter \$test_share has no value"):
        transpile.to_spark(queries.sql("recommend_split_point"), {}, "recommend_split_point")


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("categories", None, "CAST(NULL AS ARRAY<STRING>)"),
        ("categories", ["a", "b"], "CAST(ARRAY('a', 'b') AS ARRAY<STRING>)"),
        ("other", None, "NULL"),
        ("window_s", 604800.0, "CAST(604800.0 AS DOUBLE)"),
        ("k", 5, "5"),
        ("flag", True, "TRUE"),
        ("start", datetime(2024, 3, 1, 12, 30), "CAST('2024-03-01 12:30:00' AS TIMESTAMP)"),
        ("day", date(2024, 3, 1), "CAST('2024-03-01' AS DATE)"),
        ("name", "it's", "'it\\'s'"),
    ],
)
def test_parameters_bind_as_typed_literals(parameter: str, value, expected: str) -> None:
    assert transpile.literal(parameter, value).sql(dialect="spark") == expected


def test_unbindable_values_are_refused() -> None:
    with pytest.raises(transpile.TranspileError, match=r"\$x has a value of type dict"):
        transpile.literal("x", {"a": 1})
    with pytest.raises(transpile.TranspileError, match=r"\$x is nan"):
        transpile.literal("x", float("nan"))


def test_rewrite_percentiles_over_list() -> None:
    tree = sqlglot.parse_one("select quantile_cont(price, [0.2, 0.8]) from t", read="duckdb")
    assert transpile.percentiles_over_list(tree).sql("spark") == "SELECT PERCENTILE(price, ARRAY(0.2, 0.8)) FROM t"


def test_rewrite_epoch_of_interval() -> None:
    tree = sqlglot.parse_one("select epoch(b - a) from t", read="duckdb")
    out = transpile.epoch_of_interval(tree).sql("spark")
    assert out == "SELECT ((UNIX_MICROS(b) - UNIX_MICROS(a)) / CAST(1000000.0 AS DOUBLE)) FROM t"


def test_rewrite_shifts_by_weeks_and_months() -> None:
    tree = sqlglot.parse_one("select d - to_weeks(n - 1), d + to_months(2) from t", read="duckdb")
    out = transpile.shifts_by_weeks_and_months(tree).sql("spark")
    assert out == "SELECT DATE_ADD(d, 7 * -(n - 1)), ADD_MONTHS(d, (2)) FROM t"


def test_rewrite_unit_literals() -> None:
    tree = transpile.bind_parameters(
        sqlglot.parse_one("select date_diff($grain, a, b), date_trunc($grain, a) from t", read="duckdb"),
        {"grain": "week"},
    )
    out = transpile.unit_literals(tree).sql("spark")
    assert "DATEDIFF(WEEK, a, b)" in out and "DATE_TRUNC('WEEK', a)" in out


def test_rewrite_drop_materialized_hints() -> None:
    tree = sqlglot.parse_one("with x as materialized (select 1 as y) select * from x", read="duckdb")
    assert transpile.drop_materialized_hints(tree).sql("spark") == "WITH x AS (SELECT 1 AS y) SELECT * FROM x"


def test_rewrite_overlaps_as_function() -> None:
    tree = sqlglot.parse_one("select a && b from t", read="duckdb")
    assert transpile.overlaps_as_function(tree).sql("spark") == "SELECT ARRAYS_OVERLAP(a, b) FROM t"


def test_rewrite_exact_discrete_percentiles() -> None:
    tree = sqlglot.parse_one("select percentile_disc(0.5) within group (order by x) from t", read="duckdb")
    out = transpile.exact_discrete_percentiles(tree).sql("spark")
    assert out == "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x NULLS LAST) FROM t"


def test_mart_sources_skip_ctes_of_the_same_name() -> None:
    assert spark_engine.source_tables(queries.sql("mart_session_steps")) == {
        "events",
        "mart_users",
        "mart_sessions",
        "mart_products",
    }


def test_engine_setting_is_checked() -> None:
    with pytest.raises(SettingsError, match="engine must be one of duckdb, spark"):
        load_settings(environ={"MA_ENGINE": "flink"})
    assert load_settings(environ={"MA_ENGINE": "spark", "MA_SPARK_MASTER": "yarn"}).spark_master == "yarn"
    assert isinstance(make_engine(Settings()), DuckDBEngine)


def test_missing_pyspark_names_the_requirements_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(spark_engine.SparkUnavailable, match="requirements-spark.txt"):
        spark_engine.check_prerequisites(Settings(engine="spark"))


def test_missing_java_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    need_pyspark()
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_engine.shutil, "which", lambda name: None)
    with pytest.raises(spark_engine.SparkUnavailable, match="needs Java 17"):
        spark_engine.check_prerequisites(Settings(engine="spark"))


def test_unreachable_master_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    need_pyspark()
    monkeypatch.setenv("JAVA_HOME", "/usr")
    with socket.socket() as probe:  # a port nobody listens on: bind it, then close it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    master = f"spark://127.0.0.1:{port}"
    with pytest.raises(spark_engine.SparkUnavailable, match=re.escape(f"spark_master = '{master}' does not answer")):
        spark_engine.check_prerequisites(Settings(engine="spark", spark_master=master))


def test_refresh_marts_on_an_unreachable_master_stops_before_the_job(settings, capsys, monkeypatch) -> None:
    from analytics.cli import main
    from analytics.core import jobs

    need_pyspark()
    monkeypatch.setenv("JAVA_HOME", "/usr")
    jobs.run_job(settings, "noop", lambda ctx: None)
    monkeypatch.setenv("MA_SPARK_MASTER", "spark://127.0.0.1:9")
    assert main(["--db", str(settings.db_path), "refresh-marts", "--engine", "spark"]) == 2
    assert "spark_master = 'spark://127.0.0.1:9' does not answer" in capsys.readouterr().err
    assert [run["kind"] for run in jobs.list_jobs(settings)] == ["noop"]


def test_sentiment_on_spark_asks_for_no_aspects(settings, capsys) -> None:
    from analytics.cli import main
    from analytics.core import jobs

    jobs.run_job(settings, "noop", lambda ctx: None)
    assert main(["--db", str(settings.db_path), "sentiment", "--engine", "spark"]) == 2
    assert "add --no-aspects" in capsys.readouterr().err


def test_unwritable_lake_path_names_the_setting(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the lake folder should be")
    with pytest.raises(spark_engine.SparkUnavailable, match=r"lake_path = '.*not-a-folder' is not writable"):
        spark_engine._work_folder(Settings(lake_path=str(blocker)))


def test_segment_on_an_unreachable_master_stops_before_the_job(settings, capsys, monkeypatch) -> None:
    from analytics.cli import main
    from analytics.core import jobs

    need_pyspark()
    monkeypatch.setenv("JAVA_HOME", "/usr")
    jobs.run_job(settings, "noop", lambda ctx: None)
    monkeypatch.setenv("MA_SPARK_MASTER", "spark://127.0.0.1:9")
    assert main(["--db", str(settings.db_path), "segment", "--engine", "spark", "--text", "on"]) == 2
    assert "spark_master = 'spark://127.0.0.1:9' does not answer" in capsys.readouterr().err
    assert [run["kind"] for run in jobs.list_jobs(settings)] == ["noop"]
