"""Sessions of one chunk: when they start, where they come from, on which device, how long.

Traffic source and device are drawn once per session (every event of the session carries
them). A session has one main leaf category (what the visitor came for, often after a search).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.demo.catalog import Catalog
from analytics.demo.customers import Users
from analytics.demo.params import DemoParams
from analytics.demo.sampling import choose_rows, parent_index
from analytics.demo.timeline import Timeline


@dataclass
class Sessions:
    """Per-session arrays (row i = local session i); sessions are grouped by user."""

    user: np.ndarray
    start_h: np.ndarray  # hours since the window start
    promo: np.ndarray  # bool: starts during the sale
    source: np.ndarray  # index into SOURCES
    device: np.ndarray  # index into DEVICES
    views: np.ndarray  # number of view slots (at least 1)
    main_leaf: np.ndarray

    def __len__(self) -> int:
        return len(self.user)


def draw_sessions(
    users: Users, catalog: Catalog, params: DemoParams, timeline: Timeline, rng: np.random.Generator
) -> Sessions:
    """The planned sessions of ``users`` (before thinning to the chunk's event target)."""
    user = parent_index(users.sessions)
    start = timeline.draw_times(users.profile[user], users.active_from[user], users.active_to[user], rng)
    order = np.lexsort((start, user))  # a user's sessions in time order
    user, start = user[order], start[order]
    off_main = rng.random(len(user)) >= params.device_loyalty
    device = np.where(off_main, choose_rows(users.devices[user], rng), users.main_device[user])
    # 1 + geometric-like: many short sessions and a long tail, as in REES46.
    mean_extra = np.maximum(users.views_per_session[user] - 1.0, 0.05)
    views = 1 + rng.negative_binomial(1.5, 1.5 / (1.5 + mean_extra))
    return Sessions(
        user=user,
        start_h=start,
        promo=timeline.in_promo(start),
        source=choose_rows(users.sources[user], rng),
        device=device,
        views=views,
        main_leaf=draw_leaves(users.taste[user], catalog, rng),
    )


def draw_leaves(taste: np.ndarray, catalog: Catalog, rng: np.random.Generator) -> np.ndarray:
    """A leaf category per row: top category from the row's taste, then leaf by leaf popularity."""
    top = choose_rows(taste, rng)
    return catalog.leaf_sampler.draw(top, rng)
