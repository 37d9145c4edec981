"""The Segments page figures, built from small frames: what each one shows."""

import pandas as pd

from analytics.segments.views import OTHER
from dashboard.figures import segments as charts


def test_colours_keep_one_colour_per_segment_and_grey_for_other():
    mapping = charts.colours(["Bargain hunters", OTHER, "Loyal", "Bargain hunters"])
    assert mapping["Bargain hunters"] == charts.PALETTE[0] and mapping["Loyal"] == charts.PALETTE[1]
    assert mapping[OTHER] == "#9aa4b2"


def test_segment_map_has_one_trace_per_segment_in_the_given_order():
    points = pd.DataFrame(
        {"x": [0.1, 0.2, -0.5, 0.9], "y": [1.0, 0.8, -0.2, 0.0], "segment": ["Loyal", "Loyal", "New", OTHER]}
    )
    fig = charts.segment_map(points, ["New", "Loyal", OTHER])
    assert [t.name for t in fig.data] == ["New", "Loyal", OTHER]
    loyal = next(t for t in fig.data if t.name == "Loyal")
    assert list(loyal.x) == [0.1, 0.2] and list(loyal.y) == [1.0, 0.8]
    assert next(t for t in fig.data if t.name == OTHER).marker.color == "#9aa4b2"


def test_k_evidence_plots_both_measures_and_marks_the_chosen_k():
    evidence = pd.DataFrame(
        {
            "k": [3, 4, 5],
            "stability": [0.9, 0.95, 0.7],
            "silhouette": [0.21, 0.25, 0.18],
            "chosen": [False, True, False],
        }
    )
    fig = charts.k_evidence(evidence)
    stability, silhouette = fig.data
    assert list(stability.x) == [3, 4, 5] and list(stability.y) == [0.9, 0.95, 0.7]
    assert list(silhouette.y) == [0.21, 0.25, 0.18] and silhouette.yaxis == "y2"
    (marker,) = fig.layout.shapes
    assert marker.x0 == marker.x1 == 4
    assert fig.layout.annotations[0].text == "chosen: 4"


def test_rfm_mix_stacks_tiers_of_shown_segments_only():
    profiles = pd.DataFrame(
        {
            "segment_id": [0, 1, 2],
            "rfm_mix": [{"Champions": 0.6, "At risk": 0.4}, {"Champions": 0.1, "At risk": 0.9}, {"Champions": 1.0}],
        }
    )
    labels = {0: "Loyal", 1: "Drifting", 2: OTHER}
    fig = charts.rfm_mix(profiles, labels, ["Champions", "Loyal customers", "At risk"])
    assert [t.name for t in fig.data] == ["Champions", "At risk"]  # a tier nobody is in draws no bar
    champions, at_risk = fig.data
    assert list(champions.y) == ["Loyal", "Drifting"] and list(champions.x) == [0.6, 0.1]
    assert list(at_risk.x) == [0.4, 0.9]
    assert fig.layout.barmode == "stack"


def test_funnel_by_segment_shows_cart_and_purchase_rates_first_segment_on_top():
    funnel = pd.DataFrame(
        {"segment": ["Loyal", "New"], "cart_conversion": [0.3, 0.1], "overall_conversion": [0.12, 0.02]}
    )
    fig = charts.funnel_by_segment(funnel, ["Loyal", "New"])
    cart, bought = fig.data
    assert (cart.name, bought.name) == ("added to cart", "bought")
    assert list(cart.y) == ["New", "Loyal"] and list(cart.x) == [0.1, 0.3]
    assert list(bought.text) == ["2.0%", "12.0%"]
