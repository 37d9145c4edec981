"""Events of one chunk: views, the cart/purchase funnel, orders and refunds, fully vectorised.

A session is a run of *view slots*. Each slot views a product (sometimes the one just viewed
again); a fresh slot may lead to a wishlist, a cart (later removed or bought) or a direct
purchase ("buy now", no cart step, as for about two thirds of REES46 purchases). Everything
bought in a session is one order, placed at checkout after the last view, so every purchase
has an earlier view of the same product in the same session. Buyers sometimes add the
product's complement (phone + case) to the order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.catalog import Catalog
from analytics.demo.catalog_tree import LEAVES
from analytics.demo.customer_types import TIERS
from analytics.demo.customers import Users
from analytics.demo.params import DemoParams
from analytics.demo.sampling import choose, choose_rows, group_cumsum, parent_index
from analytics.demo.sessions import Sessions, draw_leaves
from analytics.demo.timeline import US_PER_HOUR, Timeline

EVENT_TYPES = ("view", "cart", "remove_from_cart", "purchase", "refund", "wishlist")
VIEW, CART, REMOVE, PURCHASE, REFUND, WISHLIST = range(len(EVENT_TYPES))
# How events at the same instant are ordered: view, wishlist, cart, remove, purchase, refund.
TIE_ORDER = np.array([0, 2, 3, 4, 5, 1])
_US = 1_000_000
SESSION_END_MARGIN_S = 120.0  # room after checkout for the session's searches, inside the window


@dataclass
class Events:
    """Event rows of a chunk, sorted by (session, time). ``order`` and ``quantity`` are -1 when unset."""

    time_us: np.ndarray
    kind: np.ndarray
    session: np.ndarray  # local session; refunds keep their order's session here for thinning
    product: np.ndarray
    quantity: np.ndarray
    price: np.ndarray
    order: np.ndarray


@dataclass
class Items:
    """Purchased order lines (one per order and product), for refunds and reviews."""

    session: np.ndarray
    order: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    checkout_h: np.ndarray
    refunded: np.ndarray  # bool: the customer sent it back (the refund may fall after the window)


def draw_events(
    users: Users,
    sessions: Sessions,
    catalog: Catalog,
    params: DemoParams,
    timeline: Timeline,
    rng: np.random.Generator,
) -> tuple[Events, Items]:
    """All events of the planned sessions, and the purchased items."""
    slot_session = parent_index(sessions.views)
    slot_user = sessions.user[slot_session]
    product, fresh = _browse(slot_session, slot_user, sessions, users, catalog, params, rng)
    wish, cart, removed, bought = _funnel(slot_user, sessions.promo[slot_session], fresh, users, rng)
    bought &= _first_in_session(slot_session, product, bought, len(catalog.product_id))
    extra_session, extra_product = _complements(slot_session[bought], product[bought], catalog, rng)

    clock = _Clock(sessions, users, slot_session, slot_user, params, timeline, rng)
    sessions.start_h = clock.start_h  # searches and first_seen follow the (rarely) moved start
    cart_us = clock.after_view_us(cart, 0.2, 0.6)
    items = _items(
        np.concatenate([slot_session[bought], extra_session]),
        np.concatenate([product[bought], extra_product]),
        sessions,
        users,
        catalog,
        clock,
        params,
        rng,
    )
    blocks = [
        _block(VIEW, clock.view_us, slot_session, product),
        _block(WISHLIST, clock.after_view_us(wish, 0.1, 0.9), slot_session[wish], product[wish]),
        _block(CART, cart_us, slot_session[cart], product[cart], quantity=1),
        _block(VIEW, clock.extra_view_us(extra_session), extra_session, extra_product),
        _block(
            REMOVE,
            clock.before_checkout_us(cart_us[removed[cart]], slot_session[removed]),
            slot_session[removed],
            product[removed],
            quantity=1,
        ),
        _block(
            PURCHASE,
            clock.checkout_us[items.session],
            items.session,
            items.product,
            items.quantity,
            items.order,
        ),
        _refunds(items, params, timeline, rng),
    ]
    for block in blocks:
        block["price"] = _unit_price(block, sessions, users, catalog, params, timeline)
    return _assemble(blocks), items


def _browse(
    slot_session: np.ndarray,
    slot_user: np.ndarray,
    sessions: Sessions,
    users: Users,
    catalog: Catalog,
    params: DemoParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """The product each slot views, and whether the slot is a fresh product (not a re-view)."""
    leaf = sessions.main_leaf[slot_session]
    wander = rng.random(len(leaf)) < params.secondary_leaf_prob
    leaf[wander] = draw_leaves(users.taste[slot_user[wander]], catalog, rng)
    tier = choose_rows(users.tiers[slot_user], rng)
    product = catalog.sampler.draw(leaf * TIERS + tier, rng)
    first = np.r_[True, slot_session[1:] != slot_session[:-1]]
    repeat = ~first & (rng.random(len(leaf)) < params.repeat_view_prob)
    # Forward-fill: a re-view shows the product of the closest earlier fresh slot.
    source = np.maximum.accumulate(np.where(repeat, 0, np.arange(len(leaf))))
    return product[source], ~repeat


def _funnel(
    slot_user: np.ndarray, promo: np.ndarray, fresh: np.ndarray, users: Users, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """Wishlist, cart, removed-from-cart and bought flags per slot."""
    r = {name: rates[slot_user] for name, rates in users.rates.items()}
    boost = np.where(promo, users.promo_buy_boost[slot_user], 1.0)
    u = rng.random((4, len(slot_user)))
    wish = fresh & (u[0] < r["wishlist_rate"])
    cart = fresh & (u[1] < r["cart_rate"] * np.sqrt(boost))
    bought_after_cart = cart & (u[2] < np.minimum(r["cart_to_purchase"] * boost, 0.95))
    removed = cart & ~bought_after_cart & (u[3] < r["remove_rate"])
    direct = fresh & ~cart & (u[2] < np.minimum(r["direct_purchase"] * boost, 0.9))
    return wish, cart, removed, bought_after_cart | direct


def _first_in_session(
    session: np.ndarray, product: np.ndarray, mask: np.ndarray, n_products: int
) -> np.ndarray:
    """True for the first masked slot of each (session, product): an order lists a product once."""
    key = session.astype(np.int64) * n_products + product
    rows = np.flatnonzero(mask)
    _, first = np.unique(key[rows], return_index=True)
    keep = np.zeros(len(mask), dtype=bool)
    keep[rows[first]] = True
    return keep


def _complements(
    session: np.ndarray, product: np.ndarray, catalog: Catalog, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Complement products added by buyers: (session, product) of each extra line."""
    partner = catalog.complement[product]
    adds = (partner >= 0) & (rng.random(len(product)) < catalog.complement_prob[product])
    bought_keys = session.astype(np.int64) * catalog.size + product
    session, partner = session[adds], partner[adds]
    already = np.isin(session.astype(np.int64) * catalog.size + partner, bought_keys)
    session, partner = session[~already], partner[~already]
    unique = _first_in_session(session, partner, np.ones(len(session), dtype=bool), catalog.size)
    return session[unique], partner[unique]


class _Clock:
    """Timestamps of a chunk's sessions: views spaced by exponential gaps, checkout at the end."""

    def __init__(
        self,
        sessions: Sessions,
        users: Users,
        slot_session: np.ndarray,
        slot_user: np.ndarray,
        params: DemoParams,
        timeline: Timeline,
        rng: np.random.Generator,
    ) -> None:
        self.rng = rng
        gap_s = rng.exponential(users.view_gap_s[slot_user])
        first = np.r_[True, slot_session[1:] != slot_session[:-1]]
        offset_s = group_cumsum(np.where(first, 0.0, gap_s), sessions.views)
        last = np.cumsum(sessions.views) - 1
        tail_s = 5.0 + rng.exponential(60.0, len(sessions))
        lo, hi = params.checkout_gap_s
        checkout_s = offset_s[last] + tail_s + rng.uniform(lo, hi, len(sessions))
        # A session that would run past the window's end starts earlier instead (a few long ones).
        latest_start_h = timeline.hours - (checkout_s + SESSION_END_MARGIN_S) / 3600.0
        self.start_h = np.minimum(sessions.start_h, latest_start_h)
        self.start_us = timeline.to_us(self.start_h)
        # The time until the next thing the visitor does: the next view, or the session's tail.
        self.next_gap_s = np.where(np.r_[first[1:], True], tail_s[slot_session], np.r_[gap_s[1:], 0.0])
        self.view_us = self.start_us[slot_session] + (offset_s * _US).astype(np.int64)
        self.last_view_us = self.view_us[last]
        self.tail_s = tail_s
        self.checkout_us = self.start_us + (checkout_s * _US).astype(np.int64)
        self.checkout_h = self.start_h + checkout_s / 3600.0

    def after_view_us(self, mask: np.ndarray, lo: float, hi: float) -> np.ndarray:
        """A moment between a slot's view and the visitor's next step (a fraction lo..hi of the way)."""
        frac = self.rng.uniform(lo, hi, int(mask.sum()))
        return self.view_us[mask] + (frac * self.next_gap_s[mask] * _US).astype(np.int64)

    def extra_view_us(self, session: np.ndarray) -> np.ndarray:
        """A view of a complement, between the last view and checkout."""
        frac = self.rng.uniform(0.2, 0.8, len(session))
        return self.last_view_us[session] + (frac * self.tail_s[session] * _US).astype(np.int64)

    def before_checkout_us(self, after_us: np.ndarray, session: np.ndarray) -> np.ndarray:
        """A moment between ``after_us`` and the session's checkout."""
        frac = self.rng.uniform(0.1, 0.9, len(session))
        return after_us + (frac * (self.checkout_us[session] - after_us)).astype(np.int64)


def _items(
    session: np.ndarray,
    product: np.ndarray,
    sessions: Sessions,
    users: Users,
    catalog: Catalog,
    clock: _Clock,
    params: DemoParams,
    rng: np.random.Generator,
) -> Items:
    """Order lines: one order per session with purchases; quantities; who will send it back."""
    order_of_session = np.full(len(sessions), -1)
    with_orders = np.unique(session)
    order_of_session[with_orders] = np.arange(len(with_orders))
    cheap = catalog.price_usd[product] < params.cheap_item_usd
    q = np.array(params.quantity_probs, dtype=float)
    cheap_q = np.r_[1.0 - 2.0 * q[1:].sum(), 2.0 * q[1:]]
    quantity = 1 + np.where(cheap, choose(cheap_q, len(product), rng), choose(q, len(product), rng))
    user = sessions.user[session]
    apparel = np.array([lf.is_apparel for lf in LEAVES])[catalog.leaf[product]]
    refund_p = users.refund_rate[user] * np.where(apparel, params.apparel_refund_factor, 1.0)
    return Items(
        session=session,
        order=order_of_session[session],
        product=product,
        quantity=quantity,
        checkout_h=clock.checkout_h[session],
        refunded=rng.random(len(session)) < np.minimum(refund_p, 0.9),
    )


def _refunds(items: Items, params: DemoParams, timeline: Timeline, rng: np.random.Generator) -> dict:
    """Refund events: the same order and product, days later; those after the window are cut."""
    lo, hi = params.refund_days
    at_h = items.checkout_h + 24.0 * rng.uniform(lo, hi, len(items.session))
    keep = items.refunded & (at_h < timeline.hours)
    partial = (items.quantity > 1) & (rng.random(len(items.session)) < 0.4)
    quantity = np.where(partial, 1, items.quantity)
    block = _block(
        REFUND,
        timeline.to_us(at_h[keep]),
        items.session[keep],
        items.product[keep],
        quantity[keep],
        items.order[keep],
    )
    block["checkout_h"] = items.checkout_h[keep]  # refunds are priced as bought, not as of today
    return block


def _block(
    kind: int,
    time_us: np.ndarray,
    session: np.ndarray,
    product: np.ndarray,
    quantity: np.ndarray | int = -1,
    order: np.ndarray | None = None,
) -> dict:
    n = len(session)
    return {
        "time_us": np.asarray(time_us, dtype=np.int64),
        "kind": np.full(n, kind, dtype=np.int8),
        "session": np.asarray(session),
        "product": np.asarray(product),
        "quantity": np.broadcast_to(np.asarray(quantity, dtype=np.int16), (n,)).copy(),
        "order": np.full(n, -1) if order is None else np.asarray(order),
    }


def _unit_price(
    block: dict, sessions: Sessions, users: Users, catalog: Catalog, params: DemoParams, timeline: Timeline
) -> np.ndarray:
    """The price shown or paid: the storefront's list price, less the sale discount during the sale."""
    currency = users.currency[sessions.user[block["session"]]]
    base = np.where(currency == 0, catalog.price_usd[block["product"]], catalog.price_eur[block["product"]])
    when_h = block.get("checkout_h")
    if when_h is None:
        when_h = (block["time_us"] - timeline.start_us) / US_PER_HOUR
    return np.where(timeline.in_promo(when_h), np.round(base * (1.0 - params.promo_discount), 2), base)


def _assemble(blocks: list[dict]) -> Events:
    names = ("time_us", "kind", "session", "product", "quantity", "price", "order")
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in names}
    order = np.lexsort((TIE_ORDER[cols["kind"]], cols["time_us"], cols["session"]))
    return Events(**{k: v[order] for k, v in cols.items()})
