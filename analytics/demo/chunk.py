"""One chunk of users, generated end to end from its own random stream.

The chunk draws more users than it needs (``user_oversample``), generates their events,
then keeps a random subset of whole users whose events add up to the chunk's target.
Dropping whole users at random keeps every history intact (every session, order, refund
and review of a kept user) and favours no type or behaviour, so the total lands on the
requested size without biasing anything. Should a chunk come out short (small chunks vary
more), it is drawn again with more users, from the same random stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.catalog import Catalog
from analytics.demo.customers import Users, draw_users
from analytics.demo.events import Events, Items, draw_events
from analytics.demo.params import DemoParams
from analytics.demo.sessions import Sessions, draw_sessions
from analytics.demo.timeline import Timeline


@dataclass
class Chunk:
    """A generated chunk with dense local ids (users, sessions, orders all 0..n-1)."""

    users: Users  # only users with at least one kept session
    sessions: Sessions
    events: Events
    items: Items
    first_seen_us: np.ndarray  # per kept user


def generate_chunk(
    n_users: int,
    target_events: int,
    catalog: Catalog,
    params: DemoParams,
    timeline: Timeline,
    rng: np.random.Generator,
) -> Chunk:
    """Users, sessions, events and purchased items of one chunk, thinned to ``target_events``."""
    oversample = params.user_oversample
    while True:
        users = draw_users(max(1, round(n_users * oversample)), params, timeline, rng)
        sessions = draw_sessions(users, catalog, params, timeline, rng)
        events, items = draw_events(users, sessions, catalog, params, timeline, rng)
        if len(events.kind) >= target_events:
            break
        oversample *= 1.3
    keep = _users_to_keep(events, sessions, len(users), target_events, rng)[sessions.user]
    return _compact(users, sessions, events, items, keep, timeline)


def _users_to_keep(
    events: Events, sessions: Sessions, n_users: int, target: int, rng: np.random.Generator
) -> np.ndarray:
    """A random set of whole users with at most ``target`` events, filled up closely.

    Users are taken in a random order while they fit; then users small enough for the room
    left are added the same way, a few rounds, so the gap ends smaller than one small user.
    """
    per_user = np.bincount(sessions.user[events.session], minlength=n_users)
    order = rng.permutation(n_users)
    keep = np.zeros(n_users, dtype=bool)
    room = target
    for _ in range(8):  # rounds, not rows: each round is one vectorised pass
        candidates = order[~keep[order] & (per_user[order] <= room)]
        fits = candidates[np.cumsum(per_user[candidates]) <= room]
        if len(fits) == 0:
            break
        keep[fits] = True
        room = target - int(per_user[keep].sum())
    return keep


def _compact(
    users: Users,
    sessions: Sessions,
    events: Events,
    items: Items,
    keep: np.ndarray,
    timeline: Timeline,
) -> Chunk:
    """Drop the sessions not kept (and users left without sessions) and renumber densely."""
    new_session = np.cumsum(keep) - 1
    kept_users = np.bincount(sessions.user[keep], minlength=len(users)) > 0
    new_user = np.cumsum(kept_users) - 1
    has_order = np.zeros(len(sessions), dtype=bool)
    has_order[items.session] = True
    new_order_of_session = np.cumsum(has_order & keep) - 1

    # Order ids follow the (old) session numbers, so renumber them before the sessions.
    events = _filter(events, keep[events.session])
    events.order = np.where(events.order >= 0, new_order_of_session[events.session], -1)
    events.session = new_session[events.session]
    items = _filter(items, keep[items.session])
    items.order = new_order_of_session[items.session]
    items.session = new_session[items.session]

    sessions = Sessions(**{k: v[keep] for k, v in vars(sessions).items()})
    sessions.user = new_user[sessions.user]
    users = Users(**{k: _take(v, kept_users) for k, v in vars(users).items()})
    first_visit_us = np.full(len(users), np.iinfo(np.int64).max)
    np.minimum.at(first_visit_us, sessions.user, timeline.to_us(sessions.start_h))
    returning_us = timeline.start_us - (users.history_days * 86_400 * 1_000_000).astype(np.int64)
    first_seen_us = np.where(users.is_new, first_visit_us, returning_us)
    return Chunk(users, sessions, events, items, first_seen_us)


def _filter(rows: Events | Items, mask: np.ndarray) -> Events | Items:
    return type(rows)(**{k: v[mask] for k, v in vars(rows).items()})


def _take(value: object, mask: np.ndarray) -> object:
    if isinstance(value, dict):
        return {k: v[mask] for k, v in value.items()}
    return value[mask]
