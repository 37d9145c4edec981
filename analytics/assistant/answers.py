"""Grounded answers to one product's questions: retrieve, rerank, then quote with attribution.

Input: a question and the product's evidence (``kind, text, ref`` rows of ``product_knowledge``).
Retrieval scores every piece of evidence with BM25 and with the dense cosine of the packaged
sentence encoder; the reranker (``rerank.py``) fuses them into a score per piece of evidence (the
ranking) and, from the best-ranked ones, a probability that the question is answerable at all.
Below the shipped threshold the verdict is ``unknown`` and the answer says the catalog does not
say. Otherwise the answer is extractive: the verdict read from the best evidence, then
that evidence's most relevant sentence quoted with who said it. Nothing is generated, so every
number in an answer is one of its evidence's numbers (and ``safety.ungrounded_facts`` checks it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.assistant import rerank, safety
from analytics.assistant.bm25 import bm25_scores
from analytics.assistant.text import answer_stance, is_yes_no
from analytics.trust.privacy import mask_pii
from models.settings import Settings

MAX_QUESTION_CHARS = 1_000
MAX_QUOTE_CHARS = 300
EVIDENCE_SHOWN = 5
ATTRIBUTION = {
    "review": "A customer says",
    "qa": "An earlier answer to a customer's question says",
    "description": "The product description says",
    "bullet": "The product details say",
    "attribute": "The product attributes list",
    "title": "The product title says",
}
VERDICT_OPENING = {"yes": "Yes.", "no": "No.", "unsure": "Not for certain."}
HEDGED_OPENING = "Probably yes."
NOT_IN_CATALOG = (
    "The catalog does not say: none of this product's description, attributes, earlier answers or reviews "
    "answers this question."
)


class QuestionError(ValueError):
    """A question that cannot be answered as asked (empty, too long); the message says why."""


@dataclass(frozen=True)
class Evidence:
    source: str  # the kind: title, description, bullet, attribute, qa, review
    text: str
    ref: str
    score: float = 0.0  # the reranker's probability that it answers

    def to_json(self) -> dict:
        return {"source": self.source, "text": self.text, "ref": self.ref}


@dataclass(frozen=True)
class Answer:
    product_id: str
    question: str
    verdict: str  # yes, no, unsure, unknown
    answer: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)  # best first

    def to_json(self) -> dict:
        """The command's JSON object, fields in the documented order."""
        return {
            "product_id": self.product_id,
            "question": self.question,
            "verdict": self.verdict,
            "answer": self.answer,
            "confidence": round(self.confidence, 3),
            "evidence": [e.to_json() for e in self.evidence],
        }


def check_question(question: str, where: str = "question") -> str:
    """The question with surrounding space removed; QuestionError naming ``where`` when it is
    empty or longer than MAX_QUESTION_CHARS."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError(f"{where} is empty: ask something about the product")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"{where} has {len(question):,} characters; at most {MAX_QUESTION_CHARS:,} are accepted")
    return question.strip()


class Assistant:
    """Answers questions about products: ``load()`` once, then ``answer`` per question.

    ``embedder`` is a loaded ``models.embeddings.TextEmbedder`` (or anything with its ``encode``);
    by default ``load`` builds the one named by ``settings.embedding_model``. Product evidence
    vectors are cached per product for a batch (``cache_products`` of them). ``answer`` takes the
    vectors computed at import (``vectors.stored_vectors``: evidence text -> vector) as an
    argument, not as state, because the dashboard shares one loaded assistant between sessions;
    only texts without one are embedded.
    """

    def __init__(
        self, settings: Settings, embedder=None, reranker: rerank.Reranker | None = None, cache_products: int = 64
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.reranker = reranker
        self.cache_products = cache_products
        self._cache: dict[tuple[str, int], np.ndarray] = {}
        self.asked: dict[str, np.ndarray] = {}  # question -> vector, embedded together for a batch

    def load(self) -> Assistant:
        """Load the sentence encoder and the shipped reranker weights."""
        if self.embedder is None:
            from models.embeddings import TextEmbedder

            self.embedder = TextEmbedder(self.settings).load()
        if self.reranker is None:
            self.reranker = rerank.Reranker.load()
        return self

    # -- retrieval -------------------------------------------------------------------------
    def score(
        self,
        question: str,
        kinds: Sequence[str],
        texts: Sequence[str],
        key: str | None = None,
        stored: Mapping[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, float]:
        """The reranker's score for each piece of evidence (shape ``(len(texts),)``, higher ranks
        first) and the probability that the evidence answers the question at all (0 without any)."""
        if not texts:
            return np.zeros(0), 0.0
        vectors = self._vectors(texts, key, stored or {})
        query = self.asked[question] if question in self.asked else self.embedder.encode([question])[0]
        bm25 = bm25_scores(question, texts)
        matrix = rerank.features(question, kinds, texts, bm25, vectors @ query)
        scores = self.reranker.probability(matrix)
        answerable = self.reranker.answerable(rerank.question_features(question, matrix, bm25, scores))
        return scores, answerable

    def embed_questions(self, questions: Sequence[str]) -> None:
        """Embed a batch's questions in one call (as ``answer`` will ask them, surrounding space
        removed): one encoder pass instead of one per question."""
        distinct = [q for q in dict.fromkeys(q.strip() for q in questions) if q not in self.asked]
        if distinct:
            self.asked.update(zip(distinct, self.embedder.encode(distinct), strict=True))

    def _vectors(self, texts: Sequence[str], key: str | None, stored: Mapping[str, np.ndarray]) -> np.ndarray:
        if key is None:
            return self._embed(texts, stored)
        cache_key = (key, hash(tuple(texts)))
        if cache_key not in self._cache:
            if len(self._cache) >= self.cache_products:
                self._cache.pop(next(iter(self._cache)))
            self._cache[cache_key] = self._embed(texts, stored)
        return self._cache[cache_key]

    def _embed(self, texts: Sequence[str], stored: Mapping[str, np.ndarray]) -> np.ndarray:
        """Vectors of ``texts``: the stored one where import computed it, the encoder's otherwise."""
        missing = [t for t in dict.fromkeys(texts) if t not in stored]
        fresh = dict(zip(missing, self.embedder.encode(missing), strict=True)) if missing else {}
        return np.stack([fresh[t] if t in fresh else stored[t] for t in texts])

    # -- answers ---------------------------------------------------------------------------
    def answer(
        self,
        product_id: str,
        question: str,
        knowledge: pd.DataFrame,
        stored: Mapping[str, np.ndarray] | None = None,
    ) -> Answer:
        """Answer ``question`` from ``knowledge`` (columns kind, text, ref: one product's evidence),
        using the ``stored`` vectors of its texts where there are some."""
        asked = check_question(question)
        usable = knowledge[~knowledge["text"].map(safety.looks_like_instruction)].reset_index(drop=True)
        kinds, texts = usable["kind"].tolist(), usable["text"].tolist()
        scores, answerable = self.score(asked, kinds, texts, key=product_id, stored=stored)
        order = np.argsort(-scores, kind="stable")[:EVIDENCE_SHOWN]
        evidence = [
            Evidence(kinds[i], mask_pii(_shown_text(texts[i])), str(usable["ref"].iloc[i]), float(scores[i]))
            for i in order
        ]
        return compose(product_id, question, asked, evidence, answerable, self.reranker.abstain_below)


def compose(
    product_id: str, question: str, asked: str, evidence: list[Evidence], answerable: float, threshold: float
) -> Answer:
    """The verdict and wording from ranked evidence (best first) and the probability that it
    answers; ``unknown`` below ``threshold``, with confidence 1 - that probability."""
    if not evidence or answerable < threshold:
        return Answer(product_id, question, "unknown", NOT_IN_CATALOG, 1.0 - answerable, evidence)
    top = evidence[0]
    quote = best_sentence(asked, top.text)
    opening, verdict = "", "unsure"
    if is_yes_no(asked):
        said = answer_stance(asked, top.text)
        # A hedged answer ("I think it fits") leans yes far more often than not on real Q&A
        # (bench/RESULTS.md), so it is a yes, worded as a hedge.
        verdict = "yes" if said == "unsure" else said
        opening = (HEDGED_OPENING if said == "unsure" else VERDICT_OPENING[said]) + " "
    wording = f'{opening}{ATTRIBUTION.get(top.source, "The catalog says")}: "{quote}"'
    if safety.ungrounded_facts(wording, [top.text]):  # cannot happen for a quote; kept as the contract
        wording = f'{ATTRIBUTION.get(top.source, "The catalog says")}: "{top.text[:MAX_QUOTE_CHARS]}"'
    return Answer(product_id, question, verdict, wording, answerable, evidence)


def _shown_text(text: str) -> str:
    return " ".join(text.split())


def best_sentence(question: str, text: str) -> str:
    """The sentence of ``text`` sharing most with the question (its first on a tie), cut at a word
    boundary to MAX_QUOTE_CHARS; an earlier answer's appended question is left out."""
    body = re.sub(r"\s*\(asked: .*\)$", "", text, flags=re.DOTALL)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\.\.+|\n+", body) if s.strip()] or [body]
    if len(sentences) > 1:
        scores = bm25_scores(question, sentences)
        chosen = sentences[int(np.argmax(scores))] if scores.max() > 0 else sentences[0]
    else:
        chosen = sentences[0]
    if len(chosen) <= MAX_QUOTE_CHARS:
        return chosen
    return chosen[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + " ..."
