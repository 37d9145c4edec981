"""The question log and the answer-questions job: earlier Q&A answered without its own answer,
asked questions moved with their answers, idempotent reruns, bad input, and the view's groups."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.assistant import asks
from analytics.assistant.answers import QuestionError
from analytics.core import jobs, warehouse
from tests.unit import statements

# The writing statements of analytics/assistant/sql that the answer-questions job runs.
QUESTION_LOG_STATEMENTS = {"assistant_log_questions", "assistant_set_topics", "assistant_store_answers"}
OWN_ANSWER = "Yes, it is dishwasher safe on the top rack. (asked: Can it go in the dishwasher?)"


class Spy:
    """The real assistant, recording the evidence each question was answered from."""

    def __init__(self, assistant):
        self._assistant = assistant
        self.evidence: dict[str, list[str]] = {}

    def __getattr__(self, name):
        return getattr(self._assistant, name)

    def answer(self, product_id, question, knowledge, stored=None):
        self.evidence[question] = knowledge["text"].tolist()
        return self._assistant.answer(product_id, question, knowledge, stored)


@pytest.fixture
def shop(settings):
    """KETTLE: a description, an attribute and one earlier Q&A; LONELY: only an earlier Q&A, so
    without its own answer nothing answers it; customer U1."""

    def fill(ctx):
        with ctx.batch() as con:
            con.execute(
                "insert into products (product_id, title, category) values "
                "('KETTLE', 'Steel kettle', 'home.kitchen'), ('LONELY', 'A lonely lamp', 'home.lighting')"
            )
            con.execute(
                "insert into product_documents values "
                "('d1', 'KETTLE', 'description', 'A brushed steel kettle that boils 1.7 litres.', 'd1', null), "
                "('d2', 'KETTLE', 'attribute', 'capacity: 1.7 liters', 'd2', null)"
            )
            con.execute(
                "insert into product_qa values "
                "('q1', 'KETTLE', 'Can it go in the dishwasher?', 'Yes, it is dishwasher safe on the top rack.', "
                "null, null), ('q2', 'LONELY', 'What colour is the shade?', 'The shade is green.', null, null)"
            )
            con.execute("insert into users (user_id) values ('U1')")

    jobs.run_job(settings, "fill", fill)
    return settings


def run_job(settings, assistant, limit=None):
    result = jobs.run_job(
        settings, "answer_questions", lambda ctx: asks.answer_questions(ctx, limit), prepare=lambda ctx: assistant
    )
    assert result.status == "done", result.error
    return result.summary


def logged(settings) -> pd.DataFrame:
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        return con.execute("select * from question_log order by question_id").df()
    finally:
        con.close()


def test_an_earlier_question_is_answered_without_its_own_answer(shop, assistant, monkeypatch):
    spy = Spy(assistant)
    used = statements.record(monkeypatch)
    summary = run_job(shop, spy)
    assert {"assistant_log_questions", "assistant_store_answers"} <= used & statements.job_statements("assistant")
    assert summary["logged"] == 2 and summary["answered"] == 2
    assert OWN_ANSWER not in spy.evidence["Can it go in the dishwasher?"]
    assert "capacity: 1.7 liters" in spy.evidence["Can it go in the dishwasher?"]
    log = logged(shop).set_index("question_id")
    # LONELY's only knowledge is the question's own answer: left out, the catalog cannot answer.
    assert log.loc["qa:q2", "verdict"] == "unknown" and "What colour is the shade?" not in spy.evidence
    assert log.loc["qa:q2", "topic"] == "colour & look" and log.loc["qa:q1", "source"] == "earlier_qa"
    assert log["answered_by"].eq(asks.assistant_version(shop)).all()


def test_a_rerun_answers_nothing_again_and_a_new_assistant_answers_everything(shop, assistant, monkeypatch):
    run_job(shop, assistant)
    first = logged(shop)
    again = run_job(shop, assistant)
    assert (again["logged"], again["answered"], again["topics_set"]) == (0, 0, 0)
    pd.testing.assert_frame_equal(logged(shop), first)
    # Topics are recomputed on every run, so changed rules reach questions logged before.
    jobs.run_job(shop, "stale", lambda ctx: ctx.con.execute("update question_log set topic = 'stale'"))
    used = statements.record(monkeypatch)
    assert run_job(shop, assistant)["topics_set"] == 2 and "assistant_set_topics" in used
    pd.testing.assert_frame_equal(logged(shop), first)
    monkeypatch.setattr(asks, "assistant_version", lambda settings: "another encoder / ranking 0")
    assert run_job(shop, assistant)["answered"] == 2


def test_asked_questions_move_masked_with_their_customer_and_answer(shop, assistant):
    question = "Does it fit under my cupboard? mail me at jane.doe@example.com"
    answer = assistant.answer("KETTLE", question, pd.DataFrame({"kind": ["attribute"], "text": ["x"], "ref": ["r"]}))
    asks.record_asked(shop, "KETTLE", question, "page", "U1", answer)
    assert asks.waiting(shop) == 1
    summary = run_job(shop, assistant)
    assert asks.waiting(shop) == 0
    assert summary["answered"] == 2  # the two earlier questions; the asked one kept the page's answer
    row = logged(shop).query("source == 'page'").iloc[0]
    assert "jane.doe@example.com" not in row["question"] and row["user_id"] == "U1"
    assert row["verdict"] == answer.verdict and row["answered_by"] == asks.assistant_version(shop)


def test_a_question_about_a_product_not_in_the_catalog_is_named_and_left_unanswered(shop, assistant):
    asks.record_asked(shop, "NOPE", "Is it loud?", "command")
    summary = run_job(shop, assistant)
    assert summary["not_in_catalog"] == ["NOPE"] and summary["not_in_catalog_questions"] == 1
    assert pd.isna(logged(shop).query("product_id == 'NOPE'").iloc[0]["verdict"])


@pytest.mark.parametrize(
    ("product_id", "question", "source", "error", "message"),
    [
        ("KETTLE", "   ", "page", QuestionError, "question is empty"),
        ("KETTLE", "x" * 1_001, "page", QuestionError, "at most 1,000"),
        ("  ", "Is it loud?", "page", ValueError, "product_id is empty"),
        ("KETTLE", "Is it loud?", "email", ValueError, "source must be one of command, page"),
    ],
)
def test_bad_asked_questions_are_refused_and_nothing_is_kept(shop, product_id, question, source, error, message):
    with pytest.raises(error, match=message):
        asks.record_asked(shop, product_id, question, source)
    assert asks.waiting(shop) == 0


def test_an_unknown_customer_is_refused_by_name(shop):
    from analytics.assistant.advice import UnknownUserError

    con = warehouse.open_reader(warehouse.current_snapshot(shop))
    try:
        assert asks.check_asker(con, " U1 ") == "U1" and asks.check_asker(con, "") is None
        with pytest.raises(UnknownUserError, match="user 'U9' is not in the shop"):
            asks.check_asker(con, "U9")
    finally:
        con.close()


# -- the view's SQL and its minimum group size ---------------------------------------------------
def _log(con, rows):
    frame = pd.DataFrame(rows, columns=["question_id", "product_id", "user_id", "question", "topic", "verdict"])
    con.register("rows", frame)
    con.execute(
        "insert into question_log (question_id, product_id, user_id, question, source, topic, verdict) "
        "select question_id, product_id, user_id, question, 'demo', topic, verdict from rows"
    )
    con.unregister("rows")


@pytest.fixture
def asked(con):
    """Segment 0 ('Quiet') of run 1: 4 customers asked 6 size questions (3 unknown); segment 1:
    2 customers asked 2; run 2 failed and is ignored. Products in two categories."""
    con.execute(
        "insert into products (product_id, title, category) values ('A', 'Shirt', 'apparel.tops'), "
        "('B', 'Lamp', 'home.lighting')"
    )
    con.execute(
        "insert into segment_runs (run_id, created_at, status) values (1, now(), 'complete'), (2, now(), 'failed')"
    )
    members = [(1, f"u{i}", 0) for i in range(4)] + [(1, "v1", 1), (1, "v2", 1), (2, "u0", 1)]
    con.executemany("insert into user_segments values (?, ?, ?)", members)
    con.execute("insert into segment_profiles values (1, 0, 'Quiet', 4, null, null), (1, 1, 'Loud', 2, null, null)")
    rows = [
        (f"s{i}", "A", f"u{i % 4}", "Does it run small?", "size & fit", "unknown" if i < 3 else "yes") for i in range(6)
    ]
    rows += [("t1", "B", "v1", "Is it bright?", "features", "yes"), ("t2", "B", "v2", "Is it dim?", "features", None)]
    rows += [("e1", "B", None, "What bulb does it take? call 555-123-4567", "compatibility", "unknown")]
    _log(con, rows)
    return con


def test_cells_below_the_minimum_are_hidden_by_askers_per_segment_and_by_questions_per_category(asked):
    view = asks.customer_asks(asked, min_group_size=3)
    segments = view.by_segment.set_index(["segment", "topic"])
    assert list(segments.index) == [("Quiet", "size & fit")]  # Loud has 2 askers: hidden
    quiet = segments.loc[("Quiet", "size & fit")]
    assert (quiet["questions"], quiet["askers"], quiet["unanswerable"], quiet["share_unanswerable"]) == (6, 4, 3, 0.5)
    assert view.hidden_segments == 1
    categories = view.by_category.set_index(["category", "topic"])
    assert list(categories.index) == [("apparel", "size & fit")] and view.hidden_categories == 2
    everything = asks.customer_asks(asked, min_group_size=1)
    assert len(everything.by_segment) == 2 and everything.hidden_segments == 0


def test_products_with_most_unanswerable_questions_come_first_with_their_questions_masked(asked):
    gaps = asks.customer_asks(asked, min_group_size=1, products=5).gap_products
    assert gaps["product_id"].tolist() == ["A", "B"]
    assert gaps.iloc[0][["unanswerable", "questions", "times_asked"]].tolist() == [3, 6, 3]
    assert "555-123-4567" not in gaps.iloc[1]["question"]


def test_a_snapshot_without_the_question_log_says_so(con):
    con.execute("drop table question_log")
    assert asks.customer_asks(con, min_group_size=1).logged is False
