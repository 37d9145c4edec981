"""Past campaigns with a known answer: plans, sends and planted behaviour, and the truth.

Runs inside the demo's last batch, after the last chunk's rows are written, from its own random
stream per campaign (``SeedSequence(seed, spawn_key=(3, i))``), so the base shop is the same with
or without it. For each ``DemoCampaign`` whose arms are big enough:

1. the plan is drawn by the product's own code (analytics.campaigns.plans: consent, RFM strata,
   seeded holdout) and stored with ``created_by 'demo'``;
2. every user of the plan gets both potential outcomes: without the campaign (the base shop) and
   with it, where a draw with ``extra_order_prob`` adds one order in the window (a visit from the
   e-mail, a view and a purchase of the product they last viewed, at the storefront's price);
3. only users drawn to a variant are sent the campaign (on the start day) and get their extra
   order; a few unsubscribe;
4. ``demo_campaign_effects`` stores the planted effect over the plan's users: for each user the
   expected difference between being sent and being held out, given what they did without the
   campaign, averaged. Conversion: extra_order_prob x the share who would not have bought anyway;
   orders per user: extra_order_prob; net revenue per user in each currency: extra_order_prob x
   the mean price of the products they would buy (0 for users of the other currency). A
   difference in means between randomised arms estimates this without bias; its interval
   accounts for the luck of both draws (who is held out, whose extra order happens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.campaigns import plans
from analytics.core import queries
from analytics.demo import writer
from analytics.demo.catalog import Catalog
from analytics.demo.customers import CURRENCIES
from analytics.demo.params import DemoCampaign, DemoParams
from analytics.demo.timeline import US_PER_HOUR, Timeline

CAMPAIGN_STREAM = 3
SEND_HOUR = 8  # sends go out between 08:00 and 11:00 UTC on the start day
SEND_SPREAD_H = 3.0
EXTRA_SOURCE = "email"
_US = 1_000_000


@dataclass(frozen=True)
class Planted:
    """What one planted campaign added: rows and the id counters used."""

    campaign_id: int
    events: int
    sessions: int
    orders: int


def plant_campaigns(
    con: duckdb.DuckDBPyConnection,
    *,
    seed: int,
    params: DemoParams,
    catalog: Catalog,
    timeline: Timeline,
    counters: writer.Counters,
    import_id: int,
) -> tuple[writer.Counters, list[int]]:
    """Plant every campaign that fits (inside the caller's transaction); returns the counters after
    its extra events and the ids of the campaigns planted."""
    planted = []
    for index, campaign in enumerate(params.campaigns):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(CAMPAIGN_STREAM, index)))
        result = _plant(con, campaign, rng, params, catalog, timeline, counters, import_id)
        if result is None:
            continue
        counters = writer.Counters(
            users=counters.users,
            sessions=counters.sessions + result.sessions,
            orders=counters.orders + result.orders,
            reviews=counters.reviews,
            events=counters.events + result.events,
            searches=counters.searches,
        )
        planted.append(result.campaign_id)
    return counters, planted


def _plant(
    con: duckdb.DuckDBPyConnection,
    campaign: DemoCampaign,
    rng: np.random.Generator,
    params: DemoParams,
    catalog: Catalog,
    timeline: Timeline,
    counters: writer.Counters,
    import_id: int,
) -> Planted | None:
    request = plan_request(campaign)
    if campaign.planned_at < params.window_start or window_end(campaign) > params.window_end:
        return None  # a campaign outside the shop's window has no behaviour to plant into
    plan_seed = int(rng.integers(2**31))
    drawn = plans.draw(con, request, plan_seed)
    if min(plans.arm_sizes(drawn["assignments"]).values()) < params.campaign_min_arm_users:
        return None
    stored = plans.store_plan(con, request, drawn, seed=plan_seed, created_at=campaign.planned_at, created_by="demo")
    campaign_id = stored["campaign_id"]
    users = queries.frame(
        con,
        "demo_campaign_users",
        {
            "campaign_id": campaign_id,
            "start": datetime.combine(campaign.start, time.min),
            "end": window_end(campaign),
        },
    )
    outcome = _potential_outcomes(users, campaign, rng, catalog, timeline, params)
    sends = _sends(users, outcome, rng, params, import_id, campaign_id)
    events = _extra_events(users, outcome, counters)
    writer.write_chunk(con, {"events": events}, import_id)
    plans.insert_rows(con, "insert_campaign_sends", "campaign_send_rows", sends)
    truth = _truth(campaign, campaign_id, users, outcome)
    plans.insert_rows(con, "insert_demo_campaign_effects", "demo_effect_rows", truth)
    extra = int((outcome["extra"] & outcome["treated"]).sum())
    return Planted(campaign_id, events=2 * extra, sessions=extra, orders=extra)


def plan_request(campaign: DemoCampaign) -> plans.PlanRequest:
    """The plan a demo campaign is drawn from (also what the campaign benchmark redraws)."""
    labels = plans.labels(len(campaign.variants))
    return plans.PlanRequest(
        name=campaign.name,
        channel=campaign.channel,
        source=plans.Source("demo", demo_type=campaign.demo_type, as_of=campaign.planned_at),
        variants=tuple(plans.Variant(label, None, text) for label, text in zip(labels, campaign.variants, strict=True)),
        start=campaign.start,
        end=campaign.start + timedelta(days=campaign.days - 1),
        holdout_share=campaign.holdout_share,
    )


def window_end(campaign: DemoCampaign) -> datetime:
    """The end of the outcome window (exclusive)."""
    return datetime.combine(campaign.start + timedelta(days=campaign.days), time.min)


def _potential_outcomes(
    users: pd.DataFrame,
    campaign: DemoCampaign,
    rng: np.random.Generator,
    catalog: Catalog,
    timeline: Timeline,
    params: DemoParams,
) -> pd.DataFrame:
    """Per user, drawn for every user of the plan (sent or held out): the send time, whether the
    campaign would add an order, its view and purchase times, product, currency and price.
    ``treated`` marks users drawn to a variant: only they are sent and get the order."""
    n = len(users)
    send_day = datetime.combine(campaign.start, time(SEND_HOUR))
    sent_us = timeline.to_us(
        (send_day - params.window_start).total_seconds() / 3600.0 + rng.uniform(0, SEND_SPREAD_H, n)
    )
    extra = rng.random(n) < campaign.extra_order_prob
    # Most campaign orders come soon after the send: squaring a uniform draw weights the early days.
    first_us = sent_us + 1800 * _US
    last_us = _epoch_us(window_end(campaign)) - 3600 * _US
    view_us = first_us + (rng.random(n) ** 2 * (last_us - first_us)).astype(np.int64)
    purchase_us = view_us + (rng.uniform(60, 300, n) * _US).astype(np.int64)
    product = _products(users, rng, catalog)
    currency = np.array([CURRENCIES.index(c) if c in CURRENCIES else 0 for c in users["currency"]])
    list_price = np.where(currency == 0, catalog.price_usd[product], catalog.price_eur[product])
    in_sale = timeline.in_promo((purchase_us - timeline.start_us) / US_PER_HOUR)
    price = np.where(in_sale, np.round(list_price * (1.0 - params.promo_discount), 2), list_price)
    return pd.DataFrame(
        {
            "treated": (users["arm"] != plans.HOLDOUT).to_numpy(),
            "sent_us": sent_us,
            "extra": extra,
            "view_us": view_us,
            "purchase_us": purchase_us,
            "product_id": catalog.product_id[product],
            "currency": np.array(CURRENCIES)[currency],
            "price": price,
        }
    )


def _products(users: pd.DataFrame, rng: np.random.Generator, catalog: Catalog) -> np.ndarray:
    """The product each user would buy: the one they viewed last before the start, else a random one."""
    index = pd.Series(np.arange(catalog.size, dtype=float), index=catalog.product_id)
    viewed = index.reindex(users["last_viewed_product"].to_numpy()).to_numpy()
    fallback = rng.integers(0, catalog.size, len(users))
    return np.where(np.isnan(viewed), fallback, np.nan_to_num(viewed)).astype(np.int64)


def _sends(
    users: pd.DataFrame,
    outcome: pd.DataFrame,
    rng: np.random.Generator,
    params: DemoParams,
    import_id: int,
    campaign_id: int,
) -> pd.DataFrame:
    """One send per user drawn to a variant; a few unsubscribe within two days."""
    sent_at = pd.to_datetime(outcome["sent_us"].to_numpy(), unit="us")
    unsubscribes = rng.random(len(users)) < params.campaign_unsubscribe_rate
    unsubscribed_at = sent_at + pd.to_timedelta(rng.uniform(3600, 48 * 3600, len(users)).round(), unit="s")
    frame = pd.DataFrame(
        {
            "campaign_id": campaign_id,
            "user_id": users["user_id"].to_numpy(),
            "variant": users["arm"].to_numpy(),
            "sent_at": sent_at.floor("s"),
            "unsubscribed_at": pd.Series(unsubscribed_at.floor("s")).where(unsubscribes, pd.NaT).to_numpy(),
            "import_id": import_id,
        }
    )
    return frame[outcome["treated"].to_numpy()].reset_index(drop=True)


def _extra_events(users: pd.DataFrame, outcome: pd.DataFrame, counters: writer.Counters) -> pa.Table:
    """A view and a purchase, in a new e-mail session, for every sent user whose draw says they buy;
    ids continue from ``counters`` (the insert formats them like every demo id)."""
    buys = (outcome["extra"] & outcome["treated"]).to_numpy()
    k = int(buys.sum())
    chosen = outcome[buys]
    view = np.r_[np.ones(k, bool), np.zeros(k, bool)]

    def twice(values: np.ndarray) -> np.ndarray:
        return np.r_[values, values]

    return pa.table(
        {
            "event_time": pa.array(np.r_[chosen["view_us"], chosen["purchase_us"]].astype("datetime64[us]")),
            "event_type": pa.array(["view"] * k + ["purchase"] * k, type=pa.string()),
            "user_n": pa.array(twice(users.loc[buys, "user_id"].str[1:].astype(np.int64).to_numpy())),
            "session_n": pa.array(twice(counters.sessions + 1 + np.arange(k))),
            "product_id": pa.array(twice(chosen["product_id"].to_numpy()).tolist(), type=pa.string()),
            "quantity": pa.array(np.ones(2 * k, dtype=np.int16), mask=view),
            "price": pa.array(twice(chosen["price"].to_numpy())),
            "currency": pa.array(twice(chosen["currency"].to_numpy()).tolist(), type=pa.string()),
            "order_n": pa.array(twice(counters.orders + 1 + np.arange(k)), mask=view),
            "traffic_source": pa.array([EXTRA_SOURCE] * (2 * k), type=pa.string()),
            "device": pa.array(twice(users.loc[buys, "device"].to_numpy()).tolist(), type=pa.string()),
        }
    )


def _epoch_us(naive_utc: datetime) -> int:
    return int((naive_utc - datetime(1970, 1, 1)).total_seconds()) * _US


def _truth(campaign: DemoCampaign, campaign_id: int, users: pd.DataFrame, outcome: pd.DataFrame) -> pd.DataFrame:
    """The planted effect on the plan's users: for each, the expected difference between being sent
    and being held out, given their behaviour without the campaign; averaged over all of them."""
    chance = campaign.extra_order_prob
    converted = users["is_converted_without_campaign"].to_numpy()
    rows: list[dict[str, Any]] = [
        {"campaign": campaign_id, "metric": "conversion", "true_lift": chance * float(np.mean(~converted))},
        {"campaign": campaign_id, "metric": "orders_per_user", "true_lift": chance},
    ]
    for currency in CURRENCIES:
        price = np.where(outcome["currency"].to_numpy() == currency, outcome["price"].to_numpy(), 0.0)
        rows.append(
            {"campaign": campaign_id, "metric": f"revenue_per_user_{currency}", "true_lift": chance * price.mean()}
        )
    return pd.DataFrame(rows)
