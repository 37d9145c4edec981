"""Plausibility bounds for money and quantities (settings max_price, max_quantity): checked at
import and by --check with file, line and column named; amounts within them sum to finite totals."""

from __future__ import annotations

import math

import pytest

from analytics.cli import main
from analytics.core import jobs
from analytics.ingest import IngestError, Limits, import_file, preview_file
from models.settings import Settings, SettingsError, load_settings
from tests.unit.ingest.conftest import BAD, GOOD

HEADER = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"


def _purchases(tmp_path, *prices: str):
    rows = [f"2019-11-03 10:0{i}:00 UTC,purchase,100{i},1,a.b,acme,{p},5000,s-{i}" for i, p in enumerate(prices)]
    path = tmp_path / "purchases.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    return path


def test_the_defaults_are_ten_million_per_price_and_a_million_per_quantity():
    assert Settings().max_price == 10_000_000 and Settings().max_quantity == 1_000_000
    assert Limits.from_settings(Settings(max_price=50, max_quantity=3)) == Limits(max_price=50, max_quantity=3)


def test_the_bounds_are_settings_with_their_own_checks(tmp_path):
    assert load_settings(environ={"MA_MAX_PRICE": "250000.5", "MA_MAX_QUANTITY": "500"}).max_price == 250_000.5
    for environ, message in (
        ({"MA_MAX_PRICE": "0"}, "max_price must be above 0 and at most 1e12"),
        ({"MA_MAX_PRICE": "inf"}, "max_price must be above 0 and at most 1e12"),
        ({"MA_MAX_PRICE": "nan"}, "max_price must be above 0 and at most 1e12"),
        ({"MA_MAX_QUANTITY": "0"}, "max_quantity must be from 1 to 1e9"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings(environ=environ)


def test_amounts_at_the_bound_are_accepted_and_sum_to_a_finite_exact_total(con, tmp_path):
    import_file(con, _purchases(tmp_path, "10000000", "10000000.00"))
    total = con.execute("select sum(price * quantity) from events where event_type = 'purchase'").fetchone()[0]
    assert math.isfinite(total) and total == 20_000_000


def test_the_bound_is_named_with_file_line_and_column(con, tmp_path):
    with pytest.raises(IngestError) as caught:
        import_file(con, _purchases(tmp_path, "19.99", "10000000.01"))
    assert str(caught.value) == (
        "purchases.csv, line 3, column 'price': expected a price of at most 10,000,000 (setting max_price), "
        "found '10000000.01'. "
        "Nothing was imported."
    )


@pytest.mark.parametrize(
    ("path", "column"),
    [
        (GOOD / "rees46_small.csv", "'price'"),
        (GOOD / "olist_small", "'price'"),
        (GOOD / "online_retail_small.csv", "'UnitPrice'"),
    ],
)
def test_an_import_job_takes_its_bounds_from_the_settings(settings, path, column):
    cheap = settings.with_overrides(max_price=2)
    result = jobs.run_job(cheap, "import", lambda ctx: import_file(ctx, path).summary())
    assert result.status == "failed"
    assert f"column {column}: expected a price of at most 2 (setting max_price)," in result.error


def test_a_quantity_bound_from_the_settings(settings):
    few = settings.with_overrides(max_quantity=5)
    result = jobs.run_job(few, "import", lambda ctx: import_file(ctx, GOOD / "online_retail_small.csv").summary())
    assert "column 'Quantity': expected a quantity of at most 5 (setting max_quantity), found '6'" in result.error


def test_check_uses_the_configured_bounds(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MA_MAX_PRICE", "100")
    db = tmp_path / "warehouse.duckdb"
    assert main(["--db", str(db), "import", str(GOOD / "rees46_small.csv"), "--check"]) == 2
    expected = "column 'price': expected a price of at most 100 (setting max_price), found '199.99'"
    assert expected in capsys.readouterr().err


def test_check_refuses_amounts_that_would_sum_to_infinity(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "w.duckdb"), "import", str(BAD / "rees46_huge_price.csv"), "--check"]) == 2
    err = capsys.readouterr().err
    assert "line 6, column 'price': expected a price of at most 10,000,000 (setting max_price), found '1e308'" in err
    assert "(2 rows like this" in err


def test_a_preview_is_refused_with_the_limits_it_is_given(tmp_path):
    preview = preview_file(GOOD / "rees46_small.csv", limits=Limits(max_price=100))
    assert not preview.ok and "at most 100 (setting max_price), found '199.99'" in preview.error
