"""The six hidden customer types of the demo shop.

Every user belongs to one type (``users.demo_type``); the type sets the *centre* of the
user's own parameters, which are then drawn around it (see customers.py). The types are
built to overlap on every single behaviour (no one feature tells them apart) and to differ
jointly, so that a segmentation on several behaviour features can recover them
(docs/DEMO_DATA.md, "Hidden customer types").

Category order everywhere: catalog.TOPS. Source order: SOURCES. Device order: DEVICES.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("organic", "paid_search", "social", "email", "direct", "referral")
DEVICES = ("mobile", "desktop", "tablet")
TIERS = 4  # price tiers within a leaf category: budget, value, upper, premium


@dataclass(frozen=True)
class CustomerType:
    """The centre of one customer type; users are drawn around it.

    Rates are per viewed product unless said otherwise. ``taste`` weighs the top categories
    (catalog.TOPS order), ``tiers`` the four price tiers, ``sources`` and ``devices`` the
    session's traffic source and device (SOURCES, DEVICES order).
    """

    name: str
    label: str
    share: float  # of users
    sessions_per_week: float  # while active
    views_per_session: float  # mean, at least 1
    taste: tuple[float, ...]
    tiers: tuple[float, float, float, float]
    sources: tuple[float, float, float, float, float, float]
    devices: tuple[float, float, float]
    cart_rate: float  # a viewed product goes to the cart
    cart_to_purchase: float  # a carted product is bought in the session
    direct_purchase: float  # a viewed, not carted product is bought ("buy now")
    remove_rate: float  # a carted, not bought product is removed again
    wishlist_rate: float
    promo_visit_boost: float  # session intensity during the sale, relative to normal days
    promo_buy_boost: float  # purchase propensity during the sale
    satisfaction: float  # centre of the latent experience score (0 = neutral)
    refund_rate: float  # share of bought items refunded
    review_rate: float  # share of bought items reviewed
    churn_prob: float  # the user stops visiting some weeks after arriving
    weekend_boost: float  # Saturday/Sunday intensity relative to weekdays
    evening_boost: float  # 18:00-23:00 local intensity relative to the base profile
    search_rate: float  # searches per session
    deal_query_share: float  # share of searches with "cheap", "sale", "deal", ...
    consent: float  # P(marketing_consent)
    new_share: float  # share of users who first arrive inside the window


#                                 electronics computers appliances apparel beauty home sport
BARGAIN_HUNTER = CustomerType(
    name="bargain_hunter",
    label="Bargain hunters",
    share=0.20,
    sessions_per_week=0.48,
    views_per_session=3.0,
    taste=(0.10, 0.05, 0.17, 0.20, 0.13, 0.25, 0.10),
    tiers=(0.48, 0.30, 0.15, 0.07),
    sources=(0.14, 0.30, 0.14, 0.30, 0.07, 0.05),
    devices=(0.68, 0.22, 0.10),
    cart_rate=0.041,
    cart_to_purchase=0.29,
    direct_purchase=0.020,
    remove_rate=0.40,
    wishlist_rate=0.021,
    promo_visit_boost=4.0,
    promo_buy_boost=2.0,
    satisfaction=0.35,
    refund_rate=0.04,
    review_rate=0.12,
    churn_prob=0.12,
    weekend_boost=1.15,
    evening_boost=1.35,
    search_rate=0.45,
    deal_query_share=0.45,
    consent=0.86,
    new_share=0.45,
)

LOYAL_PREMIUM = CustomerType(
    name="loyal_premium",
    label="Loyal premium buyers",
    share=0.13,
    sessions_per_week=0.80,
    views_per_session=2.2,
    taste=(0.22, 0.10, 0.22, 0.12, 0.08, 0.20, 0.06),
    tiers=(0.06, 0.14, 0.30, 0.50),
    sources=(0.14, 0.06, 0.04, 0.28, 0.43, 0.05),
    devices=(0.30, 0.58, 0.12),
    cart_rate=0.064,
    cart_to_purchase=0.47,
    direct_purchase=0.054,
    remove_rate=0.15,
    wishlist_rate=0.014,
    promo_visit_boost=1.1,
    promo_buy_boost=1.1,
    satisfaction=1.20,
    refund_rate=0.015,
    review_rate=0.20,
    churn_prob=0.03,
    weekend_boost=0.95,
    evening_boost=1.10,
    search_rate=0.20,
    deal_query_share=0.03,
    consent=0.74,
    new_share=0.20,
)

WINDOW_SHOPPER = CustomerType(
    name="window_shopper",
    label="Window shoppers",
    share=0.22,
    sessions_per_week=0.51,
    views_per_session=6.0,
    taste=(0.18, 0.12, 0.16, 0.12, 0.10, 0.18, 0.14),
    tiers=(0.14, 0.24, 0.32, 0.30),
    sources=(0.32, 0.06, 0.34, 0.04, 0.10, 0.14),
    devices=(0.50, 0.16, 0.34),
    cart_rate=0.022,
    cart_to_purchase=0.16,
    direct_purchase=0.004,
    remove_rate=0.50,
    wishlist_rate=0.063,
    promo_visit_boost=1.6,
    promo_buy_boost=1.5,
    satisfaction=0.65,
    refund_rate=0.03,
    review_rate=0.08,
    churn_prob=0.10,
    weekend_boost=1.35,
    evening_boost=1.30,
    search_rate=0.30,
    deal_query_share=0.12,
    consent=0.62,
    new_share=0.50,
)

TECH_ENTHUSIAST = CustomerType(
    name="tech_enthusiast",
    label="Tech enthusiasts",
    share=0.17,
    sessions_per_week=0.67,
    views_per_session=3.6,
    taste=(0.40, 0.34, 0.08, 0.05, 0.02, 0.05, 0.06),
    tiers=(0.12, 0.24, 0.34, 0.30),
    sources=(0.36, 0.12, 0.06, 0.08, 0.14, 0.24),
    devices=(0.30, 0.62, 0.08),
    cart_rate=0.041,
    cart_to_purchase=0.36,
    direct_purchase=0.017,
    remove_rate=0.30,
    wishlist_rate=0.025,
    promo_visit_boost=1.5,
    promo_buy_boost=1.4,
    satisfaction=0.70,
    refund_rate=0.025,
    review_rate=0.18,
    churn_prob=0.08,
    weekend_boost=1.00,
    evening_boost=1.50,
    search_rate=0.80,
    deal_query_share=0.08,
    consent=0.55,
    new_share=0.35,
)

FASHION_LOVER = CustomerType(
    name="fashion_lover",
    label="Fashion lovers",
    share=0.16,
    sessions_per_week=0.77,
    views_per_session=3.3,
    taste=(0.03, 0.02, 0.03, 0.52, 0.32, 0.05, 0.03),
    tiers=(0.18, 0.32, 0.32, 0.18),
    sources=(0.10, 0.06, 0.42, 0.30, 0.08, 0.04),
    devices=(0.72, 0.14, 0.14),
    cart_rate=0.053,
    cart_to_purchase=0.32,
    direct_purchase=0.023,
    remove_rate=0.35,
    wishlist_rate=0.025,
    promo_visit_boost=2.0,
    promo_buy_boost=1.6,
    satisfaction=0.60,
    refund_rate=0.065,
    review_rate=0.16,
    churn_prob=0.08,
    weekend_boost=1.40,
    evening_boost=1.20,
    search_rate=0.35,
    deal_query_share=0.15,
    consent=0.80,
    new_share=0.40,
)

DISAPPOINTED_CHURNER = CustomerType(
    name="disappointed_churner",
    label="Disappointed churners",
    share=0.12,
    sessions_per_week=1.44,
    views_per_session=2.7,
    taste=(0.18, 0.10, 0.17, 0.18, 0.10, 0.17, 0.10),
    tiers=(0.28, 0.32, 0.24, 0.16),
    sources=(0.20, 0.42, 0.14, 0.06, 0.10, 0.08),
    devices=(0.50, 0.38, 0.12),
    cart_rate=0.053,
    cart_to_purchase=0.29,
    direct_purchase=0.026,
    remove_rate=0.60,
    wishlist_rate=0.014,
    promo_visit_boost=1.2,
    promo_buy_boost=1.1,
    satisfaction=-0.50,
    refund_rate=0.12,
    review_rate=0.22,
    churn_prob=0.85,
    weekend_boost=1.05,
    evening_boost=1.15,
    search_rate=0.20,
    deal_query_share=0.15,
    consent=0.48,
    new_share=0.20,
)

DEFAULT_TYPES: tuple[CustomerType, ...] = (
    BARGAIN_HUNTER,
    LOYAL_PREMIUM,
    WINDOW_SHOPPER,
    TECH_ENTHUSIAST,
    FASHION_LOVER,
    DISAPPOINTED_CHURNER,
)
