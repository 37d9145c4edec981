"""The Reviews page figures, built from small frames: what each one shows."""

import pandas as pd

from dashboard.figures import reviews as charts


def test_sentiment_trend_is_one_line_on_the_full_sentiment_scale():
    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2024-03-04", "2024-03-11"]), "avg_score": [0.25, -0.1]})
    fig = charts.sentiment_trend(weeks)
    (line,) = fig.data
    assert list(line.y) == [0.25, -0.1] and list(line.x) == list(weeks["week_start"])
    assert tuple(fig.layout.yaxis.range) == (-1, 1)
    assert fig.layout.yaxis.title.text == "Average sentiment" and fig.layout.xaxis.title.text == "Week"


def test_sentiment_by_group_sorts_most_negative_first_and_names_the_dimension():
    groups = pd.DataFrame(
        {"group_name": ["acme", "zenith", "tiny"], "avg_score": [0.1, 0.5, -0.9], "share_negative": [0.5, 0.0, 1.0]}
    )
    fig = charts.sentiment_by_group(groups, "brand")
    (bars,) = fig.data
    assert list(bars.y) == ["tiny", "acme", "zenith"] and list(bars.x) == [-0.9, 0.1, 0.5]
    assert list(bars.marker.color) == [1.0, 0.5, 0.0]  # coloured by the negative share
    assert fig.layout.yaxis.title.text == "Brand"
    assert tuple(fig.layout.xaxis.range) == (-1, 1)


def test_aspect_bars_stack_what_is_said_about_each_aspect_in_row_order():
    aspects = pd.DataFrame(
        {
            "aspect": ["size_fit", "delivery"],
            "count_negative": [15, 0],
            "count_neutral": [2, 1],
            "count_positive": [13, 30],
        }
    )
    fig = charts.aspect_bars(aspects)
    by_label = {t.name: t for t in fig.data}
    assert set(by_label) == {"negative", "neutral", "positive"}
    assert list(by_label["negative"].y) == ["Size / fit", "Delivery"] and list(by_label["negative"].x) == [15, 0]
    assert list(by_label["positive"].x) == [13, 30]
    assert by_label["negative"].marker.color == "#d62728"
    # y categories are listed bottom up: the most complained-about aspect is drawn on top
    assert list(fig.layout.yaxis.categoryarray) == ["Delivery", "Size / fit"]
