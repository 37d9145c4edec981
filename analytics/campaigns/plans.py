"""Campaign plans: who gets which variant, and a seeded random holdout balanced on RFM tiers.

A plan targets the users of a segment, a saved audience or (demo shop only) a hidden demo group.
Users who declined marketing consent (``marketing_consent`` false) are left out of every arm,
the holdout included, so the holdout stays comparable with the people who can be sent to; users
whose consent is unknown stay in, as in every user export (analytics.trust.privacy.consenting).

The draw: users are grouped by their RFM tier as of the plan's start (``plan_customer_tiers.sql``
with the tiers of analytics.conversion.rfm; "No orders yet" for users who never bought), each
group is shuffled with ``numpy.random.default_rng(seed)``, and the holdout takes a running
rounded share of every group, so the holdout's total is round(share x users) and every tier's
holdout share is within one user of the target. The other users go to the variants in turn. The
same users, share, variants and seed always give the same arms.

Tables (migration 060): campaign_plans, campaign_variants, campaign_assignments. The caller holds
the transaction (a job batch).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.campaigns import drafts
from analytics.conversion import rfm
from analytics.core import queries
from analytics.trust import export
from analytics.trust.access import Actor, require
from analytics.trust.export import ExportRefused
from models.settings import Settings

HOLDOUT = "holdout"
NO_ORDERS = "No orders yet"
DEFAULT_HOLDOUT_SHARE = 0.10
STRATA = (*rfm.TIER_ORDER, NO_ORDERS)
SOURCE_KINDS = ("segment", "audience", "demo")


class PlanError(ValueError):
    """A plan cannot be made as asked; the message names the option and what would work."""


@dataclass(frozen=True)
class Source:
    """Whom a plan targets: a segment (of a segmentation run), a saved audience, or a demo group."""

    kind: str
    id: int | None = None  # segment id or audience id
    run_id: int | None = None  # segmentation run (default: the latest complete one)
    demo_type: str | None = None  # demo group: a users.demo_type value
    as_of: datetime | None = None  # demo group: only users who had visited before this moment


@dataclass(frozen=True)
class Variant:
    """One copy variant of a plan: its label (A, B, ...), the approved draft and its text."""

    label: str
    draft_id: int | None
    text: str


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan needs. ``end`` is the last day of the outcome window (inclusive)."""

    name: str
    channel: str
    source: Source
    variants: tuple[Variant, ...]
    start: date
    end: date
    holdout_share: float = DEFAULT_HOLDOUT_SHARE
    seed: int | None = None  # None: drawn at random and stored with the plan


def labels(count: int) -> list[str]:
    """Variant labels A, B, ... for ``count`` variants."""
    if not 1 <= count <= len(string.ascii_uppercase):
        raise PlanError(f"a plan has 1 to 26 variants (got {count})")
    return list(string.ascii_uppercase[:count])


def check_request(request: PlanRequest) -> None:
    """Raise PlanError for a request no plan can be made from (before reading any data)."""
    share = request.holdout_share
    if not 0 < share < 1:
        raise PlanError(
            f"--holdout must be a share strictly between 0 and 1 (got {share:g}): 0 leaves nobody to compare "
            "with, so no lift can be measured; 1 sends to nobody"
        )
    name = request.name.strip()
    if not name:
        raise PlanError("--name must not be empty: send logs name the campaign in their campaign column")
    if name.isdigit():
        raise PlanError(
            f"--name '{name}' is only digits: send logs may name a campaign by its id, so names need a letter"
        )
    if request.end < request.start:
        raise PlanError(f"--end {request.end} is before --start {request.start}")
    if not request.variants:
        raise PlanError("--variants needs at least one approved draft id")
    if request.source.kind not in SOURCE_KINDS:
        raise PlanError(f"unknown plan source '{request.source.kind}'; valid: {', '.join(SOURCE_KINDS)}")


def source_members(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[Source, str, pd.DataFrame]:
    """``(source with its run resolved, its name, users)``; users: ``user_id, marketing_consent``."""
    if source.kind == "segment":
        return _segment_members(con, source)
    if source.kind == "audience":
        members = queries.frame(con, "audience_members", {"audience_id": source.id})
        if members.empty:
            name = queries.one(con, "audience_name", {"audience_id": source.id})
            if not name:
                raise PlanError(f"--audience {source.id}: there is no saved audience with this id")
            raise PlanError(f"--audience {source.id} ('{name['name']}') has no users")
        return source, str(members["audience_name"].iloc[0]), members[["user_id", "marketing_consent"]]
    members = queries.frame(con, "demo_group_members", {"demo_type": source.demo_type, "as_of": source.as_of})
    return source, f"demo group: {source.demo_type}", members


def _segment_members(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[Source, str, pd.DataFrame]:
    run_id = source.run_id
    if run_id is None:
        latest = queries.one(con, "latest_segment_run")
        if not latest:
            raise PlanError("--segment: no segmentation run yet; run `python -m analytics segment` first")
        run_id = int(latest["run_id"])
    profiles = queries.frame(con, "segment_run_profiles", {"run_id": run_id})
    match = profiles[profiles["segment_id"] == source.id]
    if match.empty:
        known = ", ".join(str(s) for s in profiles["segment_id"]) or "none"
        raise PlanError(f"--segment {source.id}: run {run_id} has no such segment (segments: {known})")
    members = queries.frame(con, "segment_members", {"run_id": run_id, "segment_id": source.id})
    resolved = Source("segment", source.id, run_id)
    return resolved, str(match["name"].iloc[0]), members[["user_id", "marketing_consent"]]


def customer_strata(con: duckdb.DuckDBPyConnection, user_ids: pd.Series, as_of: date) -> pd.Series:
    """The RFM tier of each user as of ``as_of`` (``NO_ORDERS`` for users without an order before it)."""
    scores = queries.frame(con, "plan_customer_tiers", {"as_of": datetime.combine(as_of, time.min)})
    tiers = pd.Series(
        rfm.tiers_of(scores["r_score"], scores["f_score"]),
        index=scores["user_id"],
        dtype=object,
    )
    return pd.Series(tiers.reindex(user_ids.to_numpy()).fillna(NO_ORDERS).to_numpy(), index=user_ids.to_numpy())


def assign_arms(strata: pd.Series, share: float, arms: list[str], seed: int) -> pd.DataFrame:
    """Draw the holdout and the variants within each stratum.

    ``strata``: stratum per user, indexed by user id. Returns ``user_id, arm, stratum`` sorted by
    user id. Deterministic for the same users, share, arms and seed (the input order does not matter).
    """
    rng = np.random.default_rng(seed)
    ordered = strata.sort_index()
    out_users, out_arms, out_strata = [], [], []
    seen = held = turn = 0
    for stratum in sorted(ordered.unique(), key=_stratum_order):
        users = ordered.index[ordered.to_numpy() == stratum].to_numpy()
        users = users[rng.permutation(len(users))]
        seen += len(users)
        holdout = int(round(share * seen)) - held  # running rounding: the total stays on target
        held += holdout
        rest = len(users) - holdout
        variant_arms = [arms[(turn + i) % len(arms)] for i in range(rest)]
        turn = (turn + rest) % len(arms)
        out_users.extend(users)
        out_arms.extend([HOLDOUT] * holdout + variant_arms)
        out_strata.extend([stratum] * len(users))
    frame = pd.DataFrame({"user_id": out_users, "arm": out_arms, "stratum": out_strata})
    return frame.sort_values("user_id", ignore_index=True)


def _stratum_order(stratum: str) -> tuple[int, str]:
    return (STRATA.index(stratum) if stratum in STRATA else len(STRATA), stratum)


def balance(assignments: pd.DataFrame) -> pd.DataFrame:
    """Share of each arm's users in each stratum: one row per stratum, one column per arm, plus
    ``users`` (all arms) and ``holdout_share`` (the stratum's users held out). Arms drawn from the
    same strata have near-equal columns; that is the balance the draw promises."""
    counts = pd.crosstab(assignments["stratum"], assignments["arm"])
    arms = sorted(c for c in counts.columns if c != HOLDOUT) + ([HOLDOUT] if HOLDOUT in counts.columns else [])
    counts = counts[arms]
    shares = counts / counts.sum(axis=0)
    shares["users"] = counts.sum(axis=1)
    shares["holdout_share"] = counts[HOLDOUT] / counts.sum(axis=1) if HOLDOUT in counts.columns else 0.0
    shares = shares.reindex(sorted(shares.index, key=_stratum_order))
    return shares.rename_axis("stratum").reset_index().rename_axis(None, axis=1)


def draw(con: duckdb.DuckDBPyConnection, request: PlanRequest, seed: int) -> dict[str, Any]:
    """Read the source's users and draw the arms: ``source, source_name, assignments, excluded``."""
    check_request(request)
    source, name, members = source_members(con, request.source)
    declined = members["marketing_consent"].eq(False).fillna(False).astype(bool)  # unknown (null) stays in
    eligible = members.loc[~declined, "user_id"].drop_duplicates()
    if eligible.empty:
        raise PlanError(f"{name} has no user who may receive marketing ({int(declined.sum()):,} declined consent)")
    strata = customer_strata(con, eligible, request.start)
    arms = [v.label for v in request.variants]
    assignments = assign_arms(strata, request.holdout_share, arms, seed)
    _check_arms(assignments, arms, request.holdout_share)
    return {"source": source, "source_name": name, "assignments": assignments, "excluded": int(declined.sum())}


def _check_arms(assignments: pd.DataFrame, arms: list[str], share: float) -> None:
    sizes = assignments["arm"].value_counts()
    for arm in [*arms, HOLDOUT]:
        if sizes.get(arm, 0) == 0:
            raise PlanError(
                f"the {arm} arm would be empty ({len(assignments):,} users, holdout share {share:g}, "
                f"{len(arms)} variants): choose a larger group, another share or fewer variants"
            )


def arm_sizes(assignments: pd.DataFrame) -> dict[str, int]:
    """Users per arm, variants first and the holdout last."""
    sizes = assignments["arm"].value_counts()
    order = sorted(a for a in sizes.index if a != HOLDOUT) + [HOLDOUT]
    return {arm: int(sizes.get(arm, 0)) for arm in order}


def small_arm_warnings(sizes: dict[str, int], min_group_size: int) -> list[str]:
    """Arms below the minimum group size: their results will be hidden, so say so when planning."""
    return [
        f"the {arm} arm has {n:,} users, fewer than min_group_size {min_group_size}: its results will not be shown"
        for arm, n in sizes.items()
        if n < min_group_size
    ]


def variants_from_drafts(settings: Settings, draft_ids: list[int], channel: str) -> tuple[Variant, ...]:
    """Variants A, B, ... from approved drafts of ``channel`` (app state), in the order given."""
    if len(set(draft_ids)) != len(draft_ids):
        raise PlanError(f"--variants lists a draft twice: {', '.join(str(d) for d in draft_ids)}")
    variants = []
    for label, draft_id in zip(labels(len(draft_ids)), draft_ids, strict=True):
        try:
            draft = drafts.get(settings, draft_id)
        except drafts.DraftError as exc:
            raise PlanError(f"--variants: {exc}") from None
        if draft["status"] != "approved":
            raise PlanError(f"--variants: draft {draft_id} is not approved yet (approve it in the Campaign studio)")
        if draft["channel"] != channel:
            raise PlanError(f"--variants: draft {draft_id} is {draft['channel']} copy, not {channel}")
        variants.append(Variant(label, draft_id, draft["text"]))
    return tuple(variants)


def create_plan(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    request: PlanRequest,
    *,
    created_at: datetime,
) -> dict[str, Any]:
    """Draw and store a plan (inside the caller's transaction); returns ``store_plan``'s summary."""
    require(actor, "draft_campaign")
    check_request(request)
    check_name_free(con, request.name)
    seed = request.seed if request.seed is not None else new_seed()
    drawn = draw(con, request, seed)
    return store_plan(con, request, drawn, seed=seed, created_at=created_at, created_by=actor.name)


def check_name_free(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """PlanError when a campaign of this name exists: send logs identify campaigns by name."""
    if queries.one(con, "campaign_plan", {"campaign_id": None, "name": name.strip()}):
        raise PlanError(f"--name '{name.strip()}' is already a campaign: names identify campaigns in send logs")


def store_plan(
    con: duckdb.DuckDBPyConnection,
    request: PlanRequest,
    drawn: dict[str, Any],
    *,
    seed: int,
    created_at: datetime,
    created_by: str,
) -> dict[str, Any]:
    """Write a drawn plan: campaign_plans, campaign_variants, campaign_assignments. Returns
    ``campaign_id, name, source_name, arms (users per arm), excluded_no_consent, seed, balance``."""
    campaign_id = int(queries.one(con, "next_campaign_id")["campaign_id"])
    source, assignments = drawn["source"], drawn["assignments"]
    con.execute(
        queries.sql("insert_campaign_plan"),
        {
            "campaign_id": campaign_id,
            "name": request.name.strip(),
            "channel": request.channel,
            "source_kind": source.kind,
            "source_id": source.id,
            "run_id": source.run_id,
            "source_name": drawn["source_name"],
            "start_day": request.start,
            "end_day": request.end,
            "holdout_share": request.holdout_share,
            "seed": seed,
            "created_at": created_at,
            "created_by": created_by,
            "count_users": len(assignments),
            "count_excluded_no_consent": drawn["excluded"],
        },
    )
    variants = pd.DataFrame(
        {
            "campaign_id": campaign_id,
            "variant": [v.label for v in request.variants],
            "draft_id": pd.array([v.draft_id for v in request.variants], dtype="Int64"),
            "text": [v.text for v in request.variants],
        }
    )
    insert_rows(con, "insert_campaign_variants", "campaign_variant_rows", variants)
    insert_rows(
        con, "insert_campaign_assignments", "campaign_assignment_rows", assignments.assign(campaign_id=campaign_id)
    )
    return {
        "campaign_id": campaign_id,
        "name": request.name.strip(),
        "source_name": drawn["source_name"],
        "arms": arm_sizes(assignments),
        "excluded_no_consent": drawn["excluded"],
        "seed": seed,
        "balance": balance(assignments).to_dict(orient="records"),
    }


def insert_rows(con: duckdb.DuckDBPyConnection, statement: str, relation: str, frame: pd.DataFrame) -> None:
    """Run an insert statement that reads ``relation``, with ``frame`` registered under that name."""
    con.register(relation, frame)
    try:
        con.execute(queries.sql(statement))
    finally:
        con.unregister(relation)


def send_list(
    con: duckdb.DuckDBPyConnection, actor: Actor, campaign_id: int, variant: str, min_group_size: int
) -> pd.DataFrame:
    """The users to send ``variant`` of a campaign to, as it may leave the product (safe export:
    declined consent left out, refused below ``min_group_size``, formulas neutralised).

    The holdout is refused: sending to it would destroy the comparison the plan exists for.
    """
    require(actor, "export_users")
    if variant == HOLDOUT:
        raise ExportRefused("the holdout is never exported for sending: its users must not receive the campaign")
    users = queries.frame(con, "campaign_send_list", {"campaign_id": campaign_id, "variant": variant})
    if users.empty:
        known = queries.frame(con, "campaign_variants_of", {"campaign_id": campaign_id})["variant"].tolist()
        if not known:
            raise PlanError(f"there is no campaign {campaign_id} (`python -m analytics campaigns` lists them)")
        raise PlanError(f"campaign {campaign_id} has no variant '{variant}' (variants: {', '.join(known)})")
    return export.safe_user_list(users, min_group_size=min_group_size)


def new_seed() -> int:
    """A fresh random seed for a plan whose planner gave none (stored with the plan)."""
    return int(np.random.SeedSequence().entropy % (2**31))
