"""``build_demo``: the demo job. Chunks of users, one transaction and one checkpoint each.

The first batch clears the warehouse (with ``replace``), records the import and writes the
catalog; every batch appends one chunk of users with their events, reviews and searches.
A crash loses at most the chunk in flight: a rerun with the same arguments gets the last
checkpoint as ``ctx.resume_state`` and continues after the chunks already committed, with
the id counters the checkpoint carries, so its tables equal those of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np

from analytics.core.jobs import JobContext
from analytics.demo import writer
from analytics.demo.campaigns import plant_campaigns
from analytics.demo.catalog import Catalog, build_catalog
from analytics.demo.chunk import generate_chunk
from analytics.demo.knowledge import product_knowledge
from analytics.demo.params import DemoParams, Plan, plan_for
from analytics.demo.questions import customer_questions
from analytics.demo.reviews import draw_reviews
from analytics.demo.searches import QueryPool, build_query_pool, draw_searches
from analytics.demo.timeline import Timeline, build_timeline
from analytics.demo.writer import Counters

# Independent random streams: SeedSequence(seed, spawn_key=...) is what SeedSequence.spawn makes.
CATALOG_STREAM, QUERY_STREAM, CHUNK_STREAM = 0, 1, 2
KNOWLEDGE_STREAM = 3  # its own stream: adding product knowledge leaves every other draw as it was
QUESTIONS_STREAM = 4  # the customers' questions to the assistant, likewise


def build_demo(
    ctx: JobContext, *, events: int, seed: int, replace: bool, params: DemoParams | None = None
) -> dict[str, Any]:
    """Generate the demo shop into the warehouse; return a summary of what was written.

    ``events`` sets the size (the total lands a few events short of it), ``seed`` the randomness: the
    same (events, seed, params) always give the same tables. Refuses (ValueError) to add to
    a warehouse that already holds events, users or products unless ``replace`` is true.

    Summary keys: events, users, products, reviews, searches, sessions, orders, seconds,
    chunks, resumed_chunks, import_id, campaigns (past campaigns planted, analytics.demo.campaigns),
    customer_questions (questions to the assistant, unanswered: analytics.demo.questions).
    """
    params = params or DemoParams()
    started = time.monotonic()
    plan = plan_for(events, params)
    fingerprint = _fingerprint(events, seed, params)
    catalog = build_catalog(plan.products, params, _rng(seed, CATALOG_STREAM))
    pool = build_query_pool(_rng(seed, QUERY_STREAM))
    timeline = build_timeline(params)

    state = _valid_resume_state(ctx, fingerprint, plan)
    resumed = state["chunks_done"] if state else 0
    if state is None:
        _refuse_if_not_empty(ctx, replace)
        state = {"fingerprint": fingerprint, "chunks_done": 0, "chunks": plan.chunks, "counters": {}}
        state["import_id"] = 1 if replace else writer.next_import_id(ctx.con)
    counters = Counters(**state["counters"])
    ctx.progress(resumed, plan.chunks, f"demo: {resumed}/{plan.chunks} chunks")
    for index in range(resumed, plan.chunks):
        tables, after = _generate(index, plan, seed, catalog, pool, params, timeline, counters)
        state = state | {"chunks_done": index + 1, "counters": after.as_dict()}
        with ctx.batch(checkpoint=state) as con:
            if index == 0:
                _first_batch(con, state["import_id"], replace, events, seed, fingerprint, catalog)
            writer.write_chunk(con, tables, state["import_id"])
            if index == plan.chunks - 1:
                # The past campaigns read the whole shop, so they join the last chunk's transaction;
                # the checkpoint saved after it commits carries their rows in its counters.
                after, planted = plant_campaigns(
                    con,
                    seed=seed,
                    params=params,
                    catalog=catalog,
                    timeline=timeline,
                    counters=after,
                    import_id=state["import_id"],
                )
                asked = customer_questions(con, _rng(seed, QUESTIONS_STREAM))
                writer.write_customer_questions(con, asked)
                state.update(counters=after.as_dict(), campaigns=planted, customer_questions=len(asked))
            writer.update_import(con, state["import_id"], after.events, _notes(plan, index + 1, seed))
        counters = after
        ctx.progress(index + 1, plan.chunks, f"demo: {index + 1}/{plan.chunks} chunks, {after.events:,} events")
    return {
        "events": counters.events,
        "users": counters.users,
        "products": catalog.size,
        "reviews": counters.reviews,
        "searches": counters.searches,
        "sessions": counters.sessions,
        "orders": counters.orders,
        "seconds": round(time.monotonic() - started, 2),
        "chunks": plan.chunks,
        "resumed_chunks": resumed,
        "import_id": state["import_id"],
        "campaigns": len(state.get("campaigns", [])),
        "customer_questions": state.get("customer_questions", 0),
    }


def _generate(
    index: int,
    plan: Plan,
    seed: int,
    catalog: Catalog,
    pool: QueryPool,
    params: DemoParams,
    timeline: Timeline,
    counters: Counters,
) -> tuple[dict, Counters]:
    rng = _rng(seed, CHUNK_STREAM, index)
    _, n_users = plan.chunk_users(index, params.users_per_chunk)
    chunk = generate_chunk(n_users, plan.chunk_target(index, params.users_per_chunk), catalog, params, timeline, rng)
    reviews = draw_reviews(chunk.items, chunk.sessions, chunk.users, catalog, params, timeline, rng)
    searches = draw_searches(chunk.sessions, chunk.users, pool, timeline, rng)
    tables = writer.chunk_tables(chunk, reviews, searches, catalog, pool, params, counters)
    return tables, writer.advance(counters, chunk, reviews, searches)


def _first_batch(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    replace: bool,
    events: int,
    seed: int,
    fingerprint: str,
    catalog: Catalog,
) -> None:
    """Clear (with replace), record the import and write the catalog: all inside batch one."""
    if replace:
        writer.clear_canonical_tables(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    writer.insert_import(
        con, import_id, import_name(events, seed), fingerprint, now, "demo shop: first chunk being written"
    )
    writer.write_products(con, catalog)
    documents, qa = product_knowledge(catalog, _rng(seed, KNOWLEDGE_STREAM))
    writer.write_product_knowledge(con, documents, qa, import_id)


def import_name(events: int, seed: int) -> str:
    """The demo build's ``imports.file_name``: which demo shop a warehouse holds."""
    return f"demo:events={events},seed={seed}"


def _refuse_if_not_empty(ctx: JobContext, replace: bool) -> None:
    counts = writer.row_counts(ctx.con)
    if replace or not (counts["events"] or counts["users"] or counts["products"]):
        return
    if counts["events"]:
        held = f"{counts['events']:,} events"
    else:
        held = f"{counts['users']:,} users and {counts['products']:,} products"
    raise ValueError(f"warehouse already holds {held}; pass --replace to rebuild it")


def _valid_resume_state(ctx: JobContext, fingerprint: str, plan: Plan) -> dict[str, Any] | None:
    """The checkpoint of an interrupted identical run, if the warehouse still matches it."""
    state = ctx.resume_state
    if not state or state.get("fingerprint") != fingerprint or not 0 < state.get("chunks_done", 0) <= plan.chunks:
        return None
    written = writer.import_rows(ctx.con, state["import_id"])
    counters = state["counters"]
    expected = {
        "imports": 1,
        "events": counters["events"],
        "reviews": counters["reviews"],
        "searches": counters["searches"],
    }
    return state if written == expected else None


def _fingerprint(events: int, seed: int, params: DemoParams) -> str:
    """sha256 of what determines the data: it is the demo import's file_sha256."""
    text = f"demo:events={events},seed={seed},params={params.fingerprint()}"
    return hashlib.sha256(text.encode()).hexdigest()


def _notes(plan: Plan, chunks_done: int, seed: int) -> str:
    return f"demo shop: seed {seed}, {plan.users:,} planned users, {chunks_done}/{plan.chunks} chunks written"


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))
