"""Text embeddings: pooling math (fast) and the packaged MiniLM with incremental refresh (slow)."""

from contextlib import contextmanager

import numpy as np
import pytest

from analytics.core import warehouse
from analytics.segments.user_embeddings import refresh_user_embeddings
from models.embeddings import TextEmbedder, pool
from models.settings import Settings
from tests.segments.shops import tiny_shop


def test_pool_is_the_weighted_mean_normalised():
    vectors = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    pooled = pool(np.array([0, 0, 1]), np.array([0, 1, 2]), np.array([3.0, 1.0, 2.0]), vectors, 3)
    assert pooled[0] == pytest.approx(np.array([3, 1]) / np.sqrt(10))
    assert pooled[1] == pytest.approx(np.array([1, 1]) / np.sqrt(2))
    assert (pooled[2] == 0).all()  # an owner without texts


@pytest.fixture(scope="module")
def embedder():
    return TextEmbedder(Settings(device="cpu")).load()


@contextmanager
def _transaction(con, log):
    con.begin()
    yield con
    con.commit()


def _refresh(con, embedder):
    return refresh_user_embeddings(con, embedder, batch=lambda cp: _transaction(con, []), progress=lambda *a: None)


@pytest.mark.slow
def test_encode_gives_normalised_vectors_that_place_similar_texts_close(embedder):
    vectors = embedder.encode(["running shoes", "trail running shoe", "android smartphone"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(np.ones(3), abs=1e-5)
    assert vectors[0] @ vectors[1] > 0.7 > 0.3 > vectors[0] @ vectors[2]


@pytest.mark.slow
def test_encode_distinct_embeds_each_text_once(embedder):
    vectors, inverse = embedder.encode_distinct(["b", "a", "b", "a", "c"])
    assert len(vectors) == 3 and list(inverse) == [1, 0, 1, 0, 2]
    assert vectors[inverse[0]] == pytest.approx(embedder.encode(["b"])[0], abs=1e-5)


@pytest.mark.slow
def test_refresh_embeds_texts_once_and_stores_users_with_the_model(embedder):
    con = warehouse.connect_memory()
    tiny_shop(con)
    result = _refresh(con, embedder)
    assert result.texts_total == result.texts_embedded == 6 and result.users_written == 3
    stored = con.execute(
        "select user_id, model, count_texts, len(embedding) from user_embeddings order by user_id"
    ).fetchall()
    assert stored == [
        ("u1", embedder.model_name, 4, 384),
        ("u2", embedder.model_name, 2, 384),
        ("u3", embedder.model_name, 1, 384),
    ]
    u1 = con.execute("select embedding from user_embeddings where user_id = 'u1'").fetchone()[0]
    assert np.asarray(u1) == pytest.approx(result.vectors[0], abs=1e-6)


@pytest.mark.slow
def test_refresh_is_incremental(embedder):
    con = warehouse.connect_memory()
    tiny_shop(con)
    _refresh(con, embedder)
    again = _refresh(con, embedder)
    assert again.texts_embedded == 0 and again.users_written == 0
    con.execute("insert into searches values ('u3', 's4', 'phone case', now(), null)")
    changed = _refresh(con, embedder)
    assert changed.texts_embedded == 1 and changed.users_written == 1
    assert con.execute("select count(*), count(distinct user_id) from user_embeddings").fetchone() == (3, 3)
