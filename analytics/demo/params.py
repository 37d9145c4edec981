"""Every parameter of the demo shop, with its default in plain sight.

The generated data is a pure function of ``(events, seed, DemoParams)``. docs/DEMO_DATA.md
describes each field; later work (funnels, segmentation, sentiment) measures against them,
so change a default only together with that document.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from analytics.demo.customer_types import DEFAULT_TYPES, CustomerType

GENERATOR_VERSION = 2  # bump when the same parameters start producing different data (2: past campaigns)


@dataclass(frozen=True)
class Country:
    """A country users come from: its share of users, storefront currency and UTC offset."""

    code: str
    share: float
    currency: str
    utc_offset_h: int  # standard time; daylight saving is ignored on purpose (one fixed offset)


DEFAULT_COUNTRIES: tuple[Country, ...] = (
    Country("US", 0.46, "USD", -5),
    Country("CA", 0.08, "USD", -5),
    Country("GB", 0.12, "USD", 0),  # the international storefront sells in USD
    Country("DE", 0.14, "EUR", 1),
    Country("FR", 0.10, "EUR", 1),
    Country("NL", 0.05, "EUR", 1),
    Country("ES", 0.05, "EUR", 1),
)


@dataclass(frozen=True)
class DemoCampaign:
    """A past campaign of the demo shop with a known answer (docs/DEMO_DATA.md, "Past campaigns").

    Its group is every user of one hidden type who visited before it was planned; consenting users
    are split into the variants and a holdout by the product's own plan code. ``extra_order_prob``
    is the planted effect: the chance that a user who was sent the campaign places one extra order
    in the window (0: no effect).
    """

    name: str
    demo_type: str
    channel: str
    planned_at: datetime  # the plan's created_at; sends follow on the start day
    start: date
    days: int  # outcome window: start .. start + days - 1
    holdout_share: float
    extra_order_prob: float
    variants: tuple[str, ...]  # copy of variants A, B, ...


DEFAULT_CAMPAIGNS: tuple[DemoCampaign, ...] = (
    DemoCampaign(
        name="Bargain hunters: October deals",
        demo_type="bargain_hunter",
        channel="email_subject",
        planned_at=datetime(2026, 9, 30, 15, 0),
        start=date(2026, 10, 1),
        days=14,
        holdout_share=0.2,
        extra_order_prob=0.10,
        variants=("Deals of the week: home and kitchen for less", "Your wishlist, now on offer"),
    ),
    DemoCampaign(
        name="Fashion lovers: new season",
        demo_type="fashion_lover",
        channel="email_subject",
        planned_at=datetime(2026, 10, 7, 15, 0),
        start=date(2026, 10, 8),
        days=14,
        holdout_share=0.2,
        extra_order_prob=0.0,
        variants=("The new season has landed", "Fresh looks for autumn"),
    ),
)


@dataclass(frozen=True)
class DemoParams:
    """All knobs of the demo generator. Frozen; ``dataclasses.replace`` makes variants."""

    # Time: a fixed window, so the data does not depend on today's date.
    window_end: datetime = datetime(2026, 10, 31, 23, 59, 59)
    window_weeks: int = 26
    promo_name: str = "Autumn Sale"
    promo_start: datetime = datetime(2026, 9, 24)  # a Thursday
    promo_days: int = 4
    promo_discount: float = 0.20  # off every list price, in both storefronts
    weekly_growth: float = 0.004  # visit intensity grows 0.4% a week (about 11% over the window)

    # Size: users = events / events_per_user; products scale as a power of events.
    events_per_user: float = 49.0  # planning figure, measured from the generator (docs)
    user_oversample: float = 1.15  # users drawn in excess, then whole users dropped to hit the target
    users_per_chunk: int = 25_000  # one chunk = one transaction = one checkpoint
    products_at_200k: int = 2_000
    products_exponent: float = 0.59  # 2k products at 200k events, about 20k at 10M
    min_products: int = 300
    min_products_per_leaf: int = 8

    # Catalog.
    price_sigma: float = 0.45  # lognormal spread of prices around the leaf's median
    zipf_exponent: float = 1.05  # product popularity within a (leaf, price tier)
    fx_eur_per_usd: float = 0.92

    # Users.
    countries: tuple[Country, ...] = DEFAULT_COUNTRIES
    types: tuple[CustomerType, ...] = DEFAULT_TYPES
    taste_concentration: float = 25.0  # Dirichlet concentration around the type's taste
    tier_concentration: float = 15.0
    source_concentration: float = 15.0
    device_loyalty: float = 0.8  # share of a user's sessions on their main device
    activity_sigma: float = 0.35  # lognormal spread of visit frequency within a type
    rate_sigma: float = 0.30  # lognormal spread of funnel rates within a type
    satisfaction_sigma: float = 0.40
    min_sessions: int = 3  # every user visits at least this often
    churn_after_days: float = 35.0  # mean active days of a churning user
    max_history_days: int = 540  # how long before the window a returning user first came

    # Sessions and funnel.
    view_gap_s: float = 55.0  # mean seconds between two views
    repeat_view_prob: float = 0.12  # a view re-opens the product just viewed
    secondary_leaf_prob: float = 0.30  # a view leaves the session's main leaf category
    complement_prob: float = 0.30  # a buyer adds the product's complement to the order
    quantity_probs: tuple[float, float, float] = (0.90, 0.07, 0.03)  # 1, 2 or 3 units
    cheap_item_usd: float = 30.0  # below this, 2-3 units are twice as likely
    apparel_refund_factor: float = 1.8  # size and fit make clothes come back more often
    refund_days: tuple[float, float] = (3.0, 28.0)
    checkout_gap_s: tuple[float, float] = (30.0, 240.0)

    # Reviews.
    review_delay_days: tuple[float, float] = (3.0, 21.0)
    review_mismatch: float = 0.05  # rating that contradicts the text
    review_pii_rate: float = 0.005  # text with an email address or a phone number

    # Past campaigns with planted effects, written after the last chunk. A campaign whose smallest
    # arm would hold fewer users than campaign_min_arm_users is left out: on a tiny shop its
    # interval would say nothing (and fall under the minimum group size).
    campaigns: tuple[DemoCampaign, ...] = DEFAULT_CAMPAIGNS
    campaign_min_arm_users: int = 50
    campaign_unsubscribe_rate: float = 0.004  # of sent users

    @property
    def window_start(self) -> datetime:
        """First second of the data (UTC)."""
        return self.window_end - timedelta(weeks=self.window_weeks) + timedelta(seconds=1)

    @property
    def promo_end(self) -> datetime:
        """End of the sale (exclusive)."""
        return self.promo_start + timedelta(days=self.promo_days)

    def fingerprint(self) -> str:
        """A short stable hash of every parameter (recorded in checkpoints and imports)."""
        data = asdict(self)
        text = json.dumps({"v": GENERATOR_VERSION, "p": data}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Plan:
    """The sizes that follow from ``events``: users, chunks, products."""

    events: int
    users: int
    chunks: int
    products: int

    def chunk_users(self, chunk: int, per_chunk: int) -> tuple[int, int]:
        """``(first user index, number of users)`` of a chunk."""
        first = chunk * per_chunk
        return first, min(per_chunk, self.users - first)

    def chunk_target(self, chunk: int, per_chunk: int) -> int:
        """Events wanted from one chunk: the total split in proportion to its users."""
        first, n = self.chunk_users(chunk, per_chunk)
        return round(self.events * (first + n) / self.users) - round(self.events * first / self.users)


def plan_for(events: int, params: DemoParams) -> Plan:
    """Size the shop for ``events`` events."""
    users = max(50, round(events / params.events_per_user))
    chunks = math.ceil(users / params.users_per_chunk)
    scale = params.products_at_200k / 200_000**params.products_exponent
    products = max(params.min_products, round(scale * events**params.products_exponent))
    return Plan(events=events, users=users, chunks=chunks, products=products)
