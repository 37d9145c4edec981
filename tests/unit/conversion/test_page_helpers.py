"""The pure helpers behind the pages: tables, figures, the save-audience command line."""

from datetime import date

import pandas as pd

from analytics import cli
from analytics.commands import save_audience
from analytics.conversion.funnels import FunnelOptions
from analytics.core.filters import Filters
from dashboard.figures import conversion as charts
from dashboard.figures import conversion_tables as tables

STEPS = pd.DataFrame(
    {
        "step": ["view", "cart", "purchase"],
        "label": ["Viewed", "Added to cart", "Purchased"],
        "users": [100, 20, 5],
        "users_step_conversion": [None, 0.2, 0.25],
        "users_drop_off": [None, 80, 15],
        "sessions": [120, 22, 5],
        "sessions_step_conversion": [None, 22 / 120, 5 / 22],
        "products": [300, 25, 6],
        "purchases": [None, None, 7],
    }
)


def test_steps_table_across_sessions_shows_users_only():
    table = tables.steps_table(STEPS, FunnelOptions(across_sessions=True))
    assert list(table.frame.columns) == ["step", "users", "users converted from previous step", "users lost"]


def test_steps_table_shows_purchases_only_when_counted():
    assert "purchases" not in tables.steps_table(STEPS, FunnelOptions()).frame.columns
    counted = tables.steps_table(STEPS, FunnelOptions(count_repeat_purchases=True)).frame
    assert counted["purchases"].iloc[2] == 7


def test_trend_figure_lines_up_the_previous_period():
    df = pd.DataFrame(
        {
            "period": ["current", "current", "previous", "previous"],
            "bucket": [0, 1, 0, 1],
            "bucket_start": pd.to_datetime(["2026-03-08", "2026-03-09", "2026-03-06", "2026-03-07"]),
            "visitors": [10.0, 12.0, 9.0, 15.0],
        }
    )
    previous, current = charts.trend(df, "visitors", "Visitors").data
    assert list(current.y) == [10.0, 12.0] and list(previous.y) == [9.0, 15.0]
    assert list(previous.x) == list(current.x)  # drawn on the selected period's days


def test_save_audience_command_line_round_trips():
    flt = Filters(date(2026, 3, 1), date(2026, 3, 31), categories=("home",), devices=("mobile", "tablet"))
    options = FunnelOptions(across_sessions=True, window_days=14, cart_optional=True)
    argv = save_audience.argv_for("carts", flt, options, "cart", "purchase")
    parser, _ = cli.build_parser()
    parsed_filters, parsed_options = save_audience._parse(parser.parse_args(argv))
    assert (parsed_filters, parsed_options) == (flt, options)
