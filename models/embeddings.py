"""Sentence embeddings of what users wrote and bought, pooled per user.

``TextEmbedder`` wraps a sentence-transformers model named in settings (offline default: the
packaged all-MiniLM-L6-v2). Cost grows with distinct texts, not users: ``encode_distinct``
embeds each distinct text once, and ``pool`` turns text vectors into one vector per user as a
weighted mean (a sparse matrix product).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from models.device import DevicePlan, choose_device
from models.registry import resolve_model
from models.settings import Settings


class TextEmbedder:
    """A sentence-embedding model: ``load()`` once, then ``encode`` lists of texts."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_name = settings.embedding_model
        self.model = None
        self.plan: DevicePlan | None = None

    def load(self) -> TextEmbedder:
        """Resolve the weights, choose the device and load the model (a few seconds on CPU)."""
        from sentence_transformers import SentenceTransformer

        source = resolve_model(self.model_name)
        self.plan = choose_device(self.settings.device)
        kwargs = {"torch_dtype": self.plan.dtype} if self.plan.is_accelerator else {}
        self.model = SentenceTransformer(
            source.location, device=self.plan.device, model_kwargs=kwargs, local_files_only=source.is_local
        )
        return self

    @property
    def dimension(self) -> int:
        return int(self._loaded().get_embedding_dimension())

    @property
    def batch_size(self) -> int:
        """The ``embedding_batch_size`` setting, larger on an accelerator."""
        multiplier = self.plan.batch_multiplier if self.plan else 1
        return self.settings.embedding_batch_size * multiplier

    def encode(self, texts: Sequence[str], batch_size: int | None = None, normalize: bool = True) -> np.ndarray:
        """Embed ``texts`` in batches (sorted by length inside sentence-transformers).

        Returns a float32 array of shape ``(len(texts), dimension)``, rows in input order, each
        L2-normalised when ``normalize``. Texts longer than the model's ``max_seq_length`` word
        pieces (256 for MiniLM, about 200 words) are embedded from their beginning.
        """
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=batch_size or self.batch_size,
            normalize_embeddings=normalize,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_distinct(
        self, texts: Sequence[str], batch_size: int | None = None, normalize: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Embed each distinct text once.

        Returns ``(vectors, inverse)``: ``vectors`` has one row per distinct text and
        ``vectors[inverse]`` is the embedding of every input text, in input order.
        """
        distinct, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        return self.encode(distinct.tolist(), batch_size, normalize), inverse

    def _loaded(self):
        if self.model is None:
            raise RuntimeError("TextEmbedder.load() must be called before encoding")
        return self.model


def pool(owners: np.ndarray, texts: np.ndarray, weights: np.ndarray, vectors: np.ndarray, n_owners: int) -> np.ndarray:
    """Weighted mean of text vectors per owner (user), L2-normalised.

    ``owners[i]`` (0..n_owners-1) used text ``texts[i]`` (a row of ``vectors``) with weight
    ``weights[i]`` (> 0). Returns float32 ``(n_owners, dim)``; an owner without texts gets a
    zero row. One sparse (owners x texts) by dense (texts x dim) product, so the cost grows with
    the (owner, text) pairs and the distinct texts, not with owners times texts.
    """
    matrix = sp.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (np.asarray(owners), np.asarray(texts))),
        shape=(n_owners, len(vectors)),
    )
    pooled = np.asarray(matrix @ vectors, dtype=np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    np.divide(pooled, norms, out=pooled, where=norms > 0)
    return pooled
