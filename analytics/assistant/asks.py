"""The question log: every customer question the shop knows, answered by the current assistant.

Questions come from three places: earlier Q&A rows (``product_qa``, imported), questions asked
through the assistant (the Assistant page, the ``answer`` command) and the demo's customers.
The page and ``answer`` read a published snapshot and cannot write the warehouse, so
``record_asked`` keeps their questions in app state; the ``answer-questions`` job
(``answer_questions``) moves them and any new earlier Q&A into ``question_log`` (migration 080),
gives each a topic (``topics.py``) and answers every question the current assistant has not
answered, in batches with the model loaded once. An earlier Q&A row's own answer is left out of
its question's evidence: otherwise every earlier question would answer itself and the share the
catalog cannot answer would always be near zero.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from analytics.assistant import rerank, topics
from analytics.assistant.advice import UnknownUserError
from analytics.assistant.answers import Answer, Assistant, check_question
from analytics.core import appstate, queries
from analytics.trust.privacy import mask_pii, suppress_small_groups
from models.settings import Settings

BATCH = 200  # questions answered and written per transaction
MAX_CACHED_VECTORS = 200_000  # evidence vectors kept between batches (~300 MB at 384 dimensions)
ASKED_SOURCES = ("command", "page")
LOG_COLUMNS = ["question_id", "product_id", "user_id", "question", "asked_at", "source", "qa_id", "topic"]


def assistant_version(settings: Settings) -> str:
    """Which assistant answered: the embedding model and a hash of the shipped ranking weights,
    so a retuned ranking or another encoder re-answers every question on the next run."""
    weights = hashlib.sha256(rerank.WEIGHTS_FILE.read_bytes()).hexdigest()[:12]
    return f"{settings.embedding_model} / ranking {weights}"


def ask_id(product_id: str, question: str, user_id: str | None, asked_at: str, source: str) -> str:
    """The log id of an asked question: a content hash, the same for the same ask moved twice."""
    parts = chr(31).join((product_id, question, user_id or "", asked_at, source))
    return "ask:" + hashlib.sha256(parts.encode()).hexdigest()[:24]


# -- asked questions, kept in app state until the job moves them ---------------------------------
def record_asked(
    settings: Settings,
    product_id: str,
    question: str,
    source: str,
    user_id: str | None = None,
    answer: Answer | None = None,
) -> None:
    """Keep one question asked through the assistant (masked) with the answer it was given.

    ValueError (QuestionError for the question) naming the field when the product id or the
    question is empty or the source is not one of ASKED_SOURCES; nothing is written then."""
    asked = check_question(question)
    if not str(product_id or "").strip():
        raise ValueError("product_id is empty: name the product the question is about")
    if source not in ASKED_SOURCES:
        raise ValueError(f"source must be one of {', '.join(ASKED_SOURCES)}, not '{source}'")
    verdict, confidence = (answer.verdict, float(answer.confidence)) if answer else (None, None)
    with appstate.connect(settings) as con:
        con.execute(
            "insert into asked_questions (asked_at, product_id, user_id, question, source, verdict, confidence, "
            "answered_by) values (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                appstate.utc_now(),
                product_id.strip(),
                (user_id or "").strip() or None,
                mask_pii(asked),
                source,
                verdict,
                confidence,
                assistant_version(settings) if answer else None,
            ),
        )


def check_asker(con: duckdb.DuckDBPyConnection, user_id: str | None) -> str | None:
    """The asking customer's id, surrounding space removed (None when not given); UnknownUserError
    when the shop does not know it, so a typo is not logged as a customer."""
    asker = (user_id or "").strip() or None
    if asker is not None and not queries.one(con, "assistant_user_exists", {"user_id": asker})["found"]:
        raise UnknownUserError(f"user '{asker}' is not in the shop's users or events")
    return asker


def waiting(settings: Settings) -> int:
    """How many asked questions wait for the next ``answer-questions`` job."""
    with appstate.connect(settings) as con:
        return int(con.execute("select count(*) from asked_questions").fetchone()[0])


def _asked_in_app_state(settings: Settings) -> pd.DataFrame:
    with appstate.connect(settings) as con:
        rows = [dict(r) for r in con.execute("select * from asked_questions order by ask_id").fetchall()]
    return pd.DataFrame(
        rows,
        columns=[
            "ask_id",
            "asked_at",
            "product_id",
            "user_id",
            "question",
            "source",
            "verdict",
            "confidence",
            "answered_by",
        ],
    )


def _forget_asked(settings: Settings, ask_ids: list[int]) -> None:
    with appstate.connect(settings) as con:
        con.executemany("delete from asked_questions where ask_id = ?", [(int(i),) for i in ask_ids])


# -- filling the log ---------------------------------------------------------------------------
def log_questions(con: duckdb.DuckDBPyConnection, questions: pd.DataFrame) -> int:
    """Insert LOG_COLUMNS rows (plus optional answer columns) into question_log, masked and with
    their topic; a question_id already logged is left as it is. Returns the rows given."""
    if questions.empty:
        return 0
    rows = questions.copy()
    rows["question"] = rows["question"].map(lambda q: mask_pii(" ".join(str(q).split())))
    rows["topic"] = rows["question"].map(topics.topic_of)
    for column in ("verdict", "confidence", "answered_by", "answered_at"):
        if column not in rows:
            rows[column] = None
    rows["asked_at"] = pd.to_datetime(rows["asked_at"], utc=True).dt.tz_localize(None)
    rows["answered_at"] = pd.to_datetime(rows["answered_at"], utc=True).dt.tz_localize(None)
    con.register("new_questions", rows)
    try:
        queries.rows(con, "assistant_log_questions")
    finally:
        con.unregister("new_questions")
    return len(rows)


def earlier_questions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Earlier Q&A rows with a question that are not logged yet, as LOG_COLUMNS rows."""
    found = queries.frame(con, "assistant_earlier_questions_to_log")
    found["question_id"] = "qa:" + found["qa_id"]
    found["user_id"], found["source"], found["topic"] = None, "earlier_qa", None
    return found[LOG_COLUMNS]


def moved_asks(asked: pd.DataFrame) -> pd.DataFrame:
    """App-state asked questions as question_log rows, with the answers they were given."""
    rows = asked.copy()
    rows["question_id"] = [
        ask_id(p, q, u, a, s)
        for p, q, u, a, s in zip(
            rows["product_id"], rows["question"], rows["user_id"], rows["asked_at"], rows["source"], strict=True
        )
    ]
    rows["qa_id"], rows["topic"] = None, None
    rows["answered_at"] = rows["asked_at"].where(rows["verdict"].notna())
    return rows[[*LOG_COLUMNS, "verdict", "confidence", "answered_by", "answered_at"]]


def refresh_topics(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute every logged question's topic (a few µs each), so changed rules reach every
    question; returns how many changed."""
    logged = queries.frame(con, "assistant_logged_topics")
    logged["new_topic"] = logged["question"].map(topics.topic_of)
    changed = logged[logged["topic"].ne(logged["new_topic"]) | logged["topic"].isna()]
    if changed.empty:
        return 0
    con.register("new_topics", changed[["question_id", "new_topic"]].rename(columns={"new_topic": "topic"}))
    try:
        queries.rows(con, "assistant_set_topics")
    finally:
        con.unregister("new_topics")
    return len(changed)


# -- answering ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answered:
    question_id: str
    verdict: str
    confidence: float


def to_answer(con: duckdb.DuckDBPyConnection, version: str) -> pd.DataFrame:
    """Logged questions the assistant ``version`` has not answered, a product's together; with
    ``own_text`` (an earlier Q&A row's own evidence text) and ``in_catalog``."""
    return queries.frame(con, "assistant_questions_to_answer", {"answered_by": version})


def answer_product(
    assistant: Assistant,
    product_id: str,
    questions: pd.DataFrame,
    knowledge: pd.DataFrame,
    stored: Mapping[str, np.ndarray],
) -> list[Answered]:
    """Answer one product's logged questions; each earlier Q&A question without its own answer."""
    answered = []
    for row in questions.itertuples(index=False):
        evidence = knowledge
        if isinstance(row.own_text, str):
            evidence = knowledge[~((knowledge["kind"] == "qa") & (knowledge["text"] == row.own_text))]
        if evidence.empty:  # nothing but its own answer: the catalog cannot answer, for certain
            answered.append(Answered(row.question_id, "unknown", 1.0))
            continue
        result = assistant.answer(product_id, row.question, evidence.reset_index(drop=True), stored)
        answered.append(Answered(row.question_id, result.verdict, float(result.confidence)))
    return answered


def answer_batch(
    con: duckdb.DuckDBPyConnection, assistant: Assistant, batch: pd.DataFrame, vectors: dict[str, np.ndarray]
) -> list[Answered]:
    """Answer a batch of logged questions (in the catalog): the batch's knowledge read in one query
    and every text without a vector embedded in one encoder call. ``vectors`` (text -> vector)
    carries embedded texts to the next batch: catalogs repeat attribute lines and answers
    ("warranty: 2 years") across products."""
    assistant.embed_questions(batch["question"].tolist())
    products = sorted(set(batch["product_id"]))
    knowledge = queries.frame(con, "assistant_batch_knowledge", {"product_ids": products})
    add_vectors(con, assistant, knowledge, products, vectors)
    answered: list[Answered] = []
    by_product = dict(tuple(knowledge.groupby("product_id", sort=False)))
    empty = knowledge.iloc[0:0]
    for product_id, questions in batch.groupby("product_id", sort=False):
        evidence = by_product.get(product_id, empty)[["kind", "text", "ref"]].reset_index(drop=True)
        answered += answer_product(assistant, product_id, questions, evidence, vectors)
    return answered


def add_vectors(
    con: duckdb.DuckDBPyConnection,
    assistant: Assistant,
    knowledge: pd.DataFrame,
    products: list[str],
    vectors: dict[str, np.ndarray],
) -> None:
    """Put a vector for every text of ``knowledge`` into ``vectors``: the stored one from import,
    else the encoder's (all missing texts in one call). Each earlier question sees its product's
    evidence less one row; without vectors for every text each such subset would be embedded again."""
    if len(vectors) > MAX_CACHED_VECTORS:
        vectors.clear()
    wanted = [t for t in dict.fromkeys(knowledge["text"]) if t not in vectors]
    if not wanted:
        return
    stored = queries.frame(
        con, "assistant_batch_vectors", {"product_ids": products, "model": assistant.settings.embedding_model}
    )
    vectors.update((t, np.asarray(v, dtype=np.float32)) for t, v in zip(stored["text"], stored["vector"], strict=True))
    missing = [t for t in wanted if t not in vectors]
    if missing:
        vectors.update(zip(missing, assistant.embedder.encode(missing), strict=True))


def store_answers(con: duckdb.DuckDBPyConnection, answered: list[Answered], version: str) -> None:
    frame = pd.DataFrame(
        {
            "question_id": [a.question_id for a in answered],
            "verdict": [a.verdict for a in answered],
            "confidence": [a.confidence for a in answered],
        }
    )
    con.register("new_answers", frame)
    try:
        queries.rows(con, "assistant_store_answers", {"answered_by": version, "answered_at": _now()})
    finally:
        con.unregister("new_answers")


def answer_questions(ctx, limit: int | None = None) -> dict[str, Any]:
    """The ``answer-questions`` job: log what is new, set topics, answer what the current
    assistant has not answered (``limit`` questions at most), a batch per transaction.

    ``ctx.prepared`` is the loaded Assistant (loaded before the job takes the warehouse)."""
    assistant: Assistant = ctx.prepared
    version = assistant_version(ctx.settings)
    asked = _asked_in_app_state(ctx.settings)
    with ctx.batch() as con:
        logged = log_questions(con, earlier_questions(con)) + log_questions(con, moved_asks(asked))
        retopiced = refresh_topics(con)
    _forget_asked(ctx.settings, asked["ask_id"].tolist())  # after the commit: moved twice is one row
    pending = to_answer(ctx.con, version)
    missing = pending[~pending["in_catalog"]]
    pending = pending[pending["in_catalog"]].head(limit) if limit is not None else pending[pending["in_catalog"]]
    done, unknown, vectors = 0, 0, {}
    ctx.progress(0, len(pending), f"answering {len(pending):,} questions")
    for start in range(0, len(pending), BATCH):
        answered = answer_batch(ctx.con, assistant, pending.iloc[start : start + BATCH], vectors)
        with ctx.batch() as con:
            store_answers(con, answered, version)
        done += len(answered)
        unknown += sum(a.verdict == "unknown" for a in answered)
        ctx.progress(done, len(pending), f"answered {done:,} of {len(pending):,} questions")
    return {
        "logged": logged,
        "topics_set": retopiced,
        "answered": done,
        "unknown": unknown,
        "answered_by": version,
        "not_in_catalog": sorted(set(missing["product_id"])),
        "not_in_catalog_questions": len(missing),
    }


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# -- what the page shows -----------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerAsks:
    """The "What customers ask" view, small groups already hidden and question text masked."""

    by_category: pd.DataFrame  # category, topic, questions, askers, answered, unanswerable, share_unanswerable
    by_segment: pd.DataFrame  # segment_id, segment, topic, ... (empty without a segmentation)
    gap_products: pd.DataFrame  # product_id, title, category, unanswerable, questions, topics, question, times_asked
    hidden_categories: int  # category x topic cells with fewer than min_group_size questions
    hidden_segments: int  # segment x topic cells with fewer than min_group_size distinct askers
    logged: bool  # False when the snapshot predates the question log


def customer_asks(con: duckdb.DuckDBPyConnection, min_group_size: int, products: int = 10) -> CustomerAsks:
    """What customers ask, by category x topic and segment x topic, and the ``products`` products
    with the most questions the catalog cannot answer.

    A category cell describes questions (earlier Q&A carries no customer), so it needs
    ``min_group_size`` questions; a segment cell describes customers, so it needs that many
    distinct askers, as every other per-segment figure does."""
    try:
        by_category = queries.frame(con, "assistant_asks_by_category")
    except duckdb.CatalogException:  # a snapshot published before migration 080
        empty = pd.DataFrame()
        return CustomerAsks(empty, empty, empty, 0, 0, False)
    by_category, hidden_categories = _suppress(by_category, "questions", min_group_size)
    by_segment, hidden_segments = _suppress(queries.frame(con, "assistant_asks_by_segment"), "askers", min_group_size)
    gaps = queries.frame(con, "assistant_asks_gap_products", {"limit": products})
    gaps["question"] = gaps["question"].map(mask_pii)
    return CustomerAsks(by_category, by_segment, gaps, hidden_categories, hidden_segments, True)


def _suppress(frame: pd.DataFrame, column: str, min_group_size: int) -> tuple[pd.DataFrame, int]:
    if frame.empty:
        return frame, 0
    return suppress_small_groups(frame, column, min_group_size)
