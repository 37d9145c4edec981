"""Evidence vectors: computed at a product_qa import, stored once per text, read back when answering."""

import duckdb
import numpy as np

from analytics.assistant.answers import Assistant
from analytics.assistant.knowledge import product_knowledge
from analytics.assistant.vectors import stored_vectors, texts_without_vectors
from analytics.cli import main
from analytics.core import warehouse
from tests.unit import statements
from tests.unit.assistant.test_import_product_qa import ROWS, write_csv
from tests.unit.assistant.test_question_log import QUESTION_LOG_STATEMENTS


class CountingEmbedder:
    """The real encoder, recording every list of texts it is asked to embed."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.embedder.encode(texts)


def test_import_stores_a_vector_per_distinct_text_and_answering_embeds_only_the_question(
    settings, tmp_path, embedder, monkeypatch
):
    used = statements.record(monkeypatch)
    path = write_csv(tmp_path / "pqa.csv", ROWS)
    argv = ["--db", str(settings.db_path), "import", str(path), "--format", "product_qa", "--create"]
    assert main(argv) == 0
    # The import job ran every writing statement but the question log's (test_question_log runs those).
    assert not statements.job_statements("assistant") - used - QUESTION_LOG_STATEMENTS
    con = warehouse.open_reader(warehouse.current_snapshot(settings))
    try:
        assert texts_without_vectors(con, settings.embedding_model) == []
        knowledge = product_knowledge(con, "B01")
        stored = stored_vectors(con, "B01", settings.embedding_model)
        assert set(stored) == set(knowledge["text"])
        some = sorted(stored)[0]
        assert np.allclose(stored[some], embedder.encode([some])[0], atol=1e-4)
        assert stored_vectors(con, "B01", "another-model") == {}
    finally:
        con.close()
    counting = CountingEmbedder(embedder)
    assistant = Assistant(settings, counting).load()
    with_vectors = assistant.answer("B01", "Is the whistle loud?", knowledge, stored)
    assert counting.calls == [["Is the whistle loud?"]]
    embedding_all = Assistant(settings, embedder).load().answer("B01", "Is the whistle loud?", knowledge)
    assert [e.ref for e in with_vectors.evidence] == [e.ref for e in embedding_all.evidence]
    assert with_vectors.verdict == embedding_all.verdict


def test_a_snapshot_from_before_migration_110_has_no_stored_vectors():
    con = duckdb.connect()
    con.execute("create table product_knowledge (product_id varchar, kind varchar, text varchar, ref varchar)")
    assert stored_vectors(con, "B01", "any") == {}


def test_a_batch_embeds_its_questions_in_one_call(settings, embedder, kettle):
    counting = CountingEmbedder(embedder)
    assistant = Assistant(settings, counting).load()
    stored = dict(zip(kettle["text"], embedder.encode(kettle["text"].tolist()), strict=True))
    questions = ["Is it dishwasher safe?", "  How big is it? ", "Is it dishwasher safe?"]
    assistant.embed_questions(questions)
    answers = [assistant.answer("K1", q, kettle, stored) for q in questions]
    assert counting.calls == [["Is it dishwasher safe?", "How big is it?"]]
    single = Assistant(settings, embedder).load().answer("K1", "How big is it?", kettle)
    # Batched encoding pads the questions together: scores agree to float precision, not bit for bit.
    assert [e.ref for e in answers[1].evidence] == [e.ref for e in single.evidence]
    assert np.allclose([e.score for e in answers[1].evidence], [e.score for e in single.evidence], atol=1e-5)
    assert answers[1].verdict == single.verdict
