"""Review sentiment with language models: one interface, two kinds of model.

- ``ClassifierScorer``: a sequence-classification model (any Hugging Face id or local folder,
  e.g. one trained on the shop's own ratings by ``models.training``); labels such as
  negative/positive, negative/neutral/positive or 1-5 stars are read from its config.
- ``ZeroShotLMScorer``: a causal LM scored by its next-token probabilities after the prompt
  ``"{review}\\nOverall, my opinion of this product is"``: the summed probability of
  great/good/positive/excellent against poor/bad/negative/terrible, less the model's lean
  measured on content-free inputs. It needs no training and is the offline default (the
  packaged SmolLM2).

Both work the same way (transformers pipelines' three stages): a pure preprocess that splits
every review into token windows (long reviews are scored in overlapping chunks, never cut),
a forward over length-sorted batches under ``torch.inference_mode`` on the device chosen by
``models.device.choose_device``, and a pure postprocess that averages the chunks of a review
(weighted by their tokens) into a ``SentimentScore``.

``score`` is in [-1, 1] with 0 the decision boundary; ``label`` is negative, neutral (within
``NEUTRAL_BAND`` of 0) or positive.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from models.causal_lm import load_causal_lm
from models.device import DevicePlan, choose_device
from models.registry import ModelSource, resolve_model
from models.review_text import (  # noqa: F401 - part of this module's interface
    NEUTRAL_BAND,
    STAR_TITLE_PATTERN,
    label_for,
    model_key,
    model_version,
    review_content,
)
from models.settings import Settings

LM_PROMPT_SUFFIX = "\nOverall, my opinion of this product is"
LM_POSITIVE_WORDS = (" great", " good", " positive", " excellent")
LM_NEGATIVE_WORDS = (" poor", " bad", " negative", " terrible")
LM_CONTENT_FREE = ("N/A", "[MASK]", "")  # inputs with no content, to measure the LM's prior lean
LM_CHUNK_TOKENS = 384  # review tokens per LM window (attention cost grows with length)
CLASSIFIER_CHUNK_TOKENS = 512  # upper bound; a model's own max length wins when smaller
CHUNK_OVERLAP = 32  # tokens shared by neighbouring windows so no sentence is split blind


@dataclass(frozen=True)
class SentimentScore:
    """The sentiment of one review."""

    score: float  # in [-1, 1]; 0 is the decision boundary
    label: str  # negative, neutral or positive
    stars: float | None  # 1-5 estimate where the model supports it
    chunks: int  # token windows the review was scored in (more than 1 for long reviews)


class SentimentScorer(Protocol):
    """What the scoring job, the benchmark and the dashboard use."""

    name: str

    def load(self) -> SentimentScorer: ...

    def predict(self, texts: list[str], batch_size: int | None = None) -> list[SentimentScore]: ...

    @property
    def version(self) -> str: ...


def chunk_ids(ids: list[int], size: int, overlap: int = CHUNK_OVERLAP) -> list[list[int]]:
    """Split token ids into windows of at most ``size`` sharing ``overlap`` tokens; every token is kept.

    >>> chunk_ids(list(range(10)), 4, 1)
    [[0, 1, 2, 3], [3, 4, 5, 6], [6, 7, 8, 9]]
    """
    if size <= overlap:
        raise ValueError(f"chunk size {size} must be larger than the overlap {overlap}")
    if len(ids) <= size:
        return [ids]
    step = size - overlap
    windows = []
    for start in range(0, len(ids), step):
        windows.append(ids[start : start + size])
        if start + size >= len(ids):
            break
    return windows


def aggregate(chunk_scores: list[float], chunk_tokens: list[int]) -> float:
    """A review's score: the mean of its chunks' scores weighted by their token counts."""
    weights = np.asarray(chunk_tokens, dtype=float)
    return float(np.clip(np.average(chunk_scores, weights=weights), -1.0, 1.0))


def length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), so padding stays small."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class _TokenScorer:
    """Shared preprocess (token windows), batching and postprocess of both scorers."""

    chunk_tokens: int = CLASSIFIER_CHUNK_TOKENS

    def __init__(self, settings: Settings, model: str | None = None) -> None:
        self.settings = settings
        self.name = model_key(model or settings.sentiment_model)
        self.source: ModelSource | None = None
        self.plan: DevicePlan | None = None
        self.tokenizer: Any = None
        self.model: Any = None

    @property
    def version(self) -> str:
        return model_version(self.source or resolve_model(self.name))

    @property
    def default_batch_size(self) -> int:
        plan = self.plan or choose_device(self.settings.device)
        return self.settings.sentiment_batch_size * plan.batch_multiplier

    def predict(self, texts: list[str], batch_size: int | None = None) -> list[SentimentScore]:
        """Score reviews: one ``SentimentScore`` per text, in order. Empty texts are refused."""
        if self.model is None:
            raise RuntimeError(f"call load() before predict() ({self.name})")
        for i, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"text {i} is empty: only reviews with words can be scored")
        windows, owner = self._preprocess(texts)
        chunk_values = self._run_batches(windows, batch_size or self.default_batch_size)
        return self._postprocess(len(texts), windows, owner, chunk_values)

    def _preprocess(self, texts: list[str]) -> tuple[list[list[int]], list[int]]:
        encoded = self.tokenizer(texts, add_special_tokens=False)["input_ids"]
        windows, owner = [], []
        for i, ids in enumerate(encoded):
            for window in chunk_ids(ids or [self.tokenizer.unk_token_id or 0], self.chunk_tokens):
                windows.append(self._frame(window))
                owner.append(i)
        return windows, owner

    def _run_batches(self, windows: list[list[int]], batch_size: int) -> np.ndarray:
        out: np.ndarray | None = None
        with torch.inference_mode():
            for batch in length_batches([len(w) for w in windows], batch_size):
                values = self._forward([windows[i] for i in batch])
                if out is None:
                    out = np.zeros((len(windows), values.shape[1]), dtype=np.float64)
                out[batch] = values
        return out if out is not None else np.zeros((0, 1))

    def _pad(self, windows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        # Right padding: with causal attention the real tokens never see the padding after them,
        # and the encoder ignores it through the attention mask.
        width = max(len(w) for w in windows)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        ids = torch.full((len(windows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(windows), width), dtype=torch.long)
        for row, w in enumerate(windows):
            ids[row, : len(w)] = torch.tensor(w)
            mask[row, : len(w)] = 1
        return ids.to(self.plan.device), mask.to(self.plan.device)

    def _postprocess(
        self, n: int, windows: list[list[int]], owner: list[int], values: np.ndarray
    ) -> list[SentimentScore]:
        per_review: list[list[int]] = [[] for _ in range(n)]
        for chunk, i in enumerate(owner):
            per_review[i].append(chunk)
        results = []
        for chunks in per_review:
            tokens = [len(windows[c]) for c in chunks]
            score = aggregate([float(values[c, 0]) for c in chunks], tokens)
            stars = self._stars(values[chunks], tokens, score)
            results.append(SentimentScore(score, label_for(score), stars, len(chunks)))
        return results

    def _stars(self, values: np.ndarray, tokens: list[int], score: float) -> float | None:
        return None

    # Implemented by each scorer.
    def _frame(self, window: list[int]) -> list[int]:
        raise NotImplementedError

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        raise NotImplementedError


class ZeroShotLMScorer(_TokenScorer):
    """A causal LM scored by next-token probabilities; needs no training (module docstring)."""

    chunk_tokens = LM_CHUNK_TOKENS

    def load(self) -> ZeroShotLMScorer:
        """Load tokenizer and model once (a GGUF file is dequantised, about 15 s on CPU)."""
        self.source, self.plan, self.tokenizer, self.model = load_causal_lm(self.name, self.settings.device)
        self._suffix = self.tokenizer.encode(LM_PROMPT_SUFFIX, add_special_tokens=False)
        self._pos = self._word_ids(LM_POSITIVE_WORDS)
        self._neg = self._word_ids(LM_NEGATIVE_WORDS)
        # Only the eight answer words' rows of the output layer are needed, not the whole vocabulary.
        head = self.model.get_output_embeddings().weight
        self._head = head[self._pos + self._neg].detach()
        self._bias = 0.0
        self._bias = self._content_free_margin()
        return self

    def _content_free_margin(self) -> float:
        """The model's lean with no review at all (Zhao et al. 2021, "Calibrate before use").

        A small LM prefers "good" to "bad" whatever it reads; scoring inputs that carry no content
        measures that prior, and subtracting it puts the decision boundary back at 0. No labels
        are involved, so it is the same for every shop.
        """
        windows = [self._frame(self.tokenizer.encode(t, add_special_tokens=False)) for t in LM_CONTENT_FREE]
        with torch.inference_mode():
            return float(np.mean(self._margins(windows).cpu().numpy()))

    def _word_ids(self, words: tuple[str, ...]) -> list[int]:
        ids = []
        for word in words:
            tokens = self.tokenizer.encode(word, add_special_tokens=False)
            if len(tokens) != 1:
                raise ValueError(f"{self.name}: the answer word '{word.strip()}' is not one token ({tokens})")
            ids.append(tokens[0])
        return ids

    def _frame(self, window: list[int]) -> list[int]:
        return window + self._suffix

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        # 2 * P(positive word | positive or negative word) - 1, after calibration: in [-1, 1].
        return torch.tanh((self._margins(windows) - self._bias) / 2).unsqueeze(1).cpu().numpy()

    def _margins(self, windows: list[list[int]]) -> torch.Tensor:
        """log P(positive words) - log P(negative words) after each window's prompt."""
        ids, mask = self._pad(windows)
        hidden = self.model.base_model(input_ids=ids, attention_mask=mask).last_hidden_state
        last = mask.sum(dim=1) - 1
        final = hidden[torch.arange(len(windows), device=hidden.device), last]
        logits = (final @ self._head.T).float()
        k = len(self._pos)
        # The softmax denominator cancels: only the eight answer words' logits are needed.
        return torch.logsumexp(logits[:, :k], dim=1) - torch.logsumexp(logits[:, k:], dim=1)


class ClassifierScorer(_TokenScorer):
    """A sequence-classification model; labels and star calibration are read from its config."""

    def load(self) -> ClassifierScorer:
        """Load tokenizer and model once; work out what each output label means."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.source = resolve_model(self.name)
        self.plan = choose_device(self.settings.device)
        self.tokenizer = AutoTokenizer.from_pretrained(self.source.location)
        model = AutoModelForSequenceClassification.from_pretrained(self.source.location, dtype=self.plan.dtype)
        self.model = model.to(self.plan.device).eval()
        config = self.model.config
        self.polarity, self.star_values = label_polarity(config.id2label)
        limit = min(CLASSIFIER_CHUNK_TOKENS, getattr(config, "max_position_embeddings", CLASSIFIER_CHUNK_TOKENS))
        trained = getattr(config, "sentiment_max_length", None)  # set by models.training
        self._prefix, self._suffix = special_tokens(self.tokenizer)
        self.chunk_tokens = min(limit, trained or limit) - len(self._prefix) - len(self._suffix)
        self.star_table = getattr(config, "star_calibration", None)
        return self

    def _frame(self, window: list[int]) -> list[int]:
        return self._prefix + window + self._suffix

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        ids, mask = self._pad(windows)
        logits = self.model(input_ids=ids, attention_mask=mask).logits.float()
        probs = torch.softmax(logits, dim=1).cpu().numpy()
        score = probs @ self.polarity
        return np.column_stack([score, probs])

    def _stars(self, values: np.ndarray, tokens: list[int], score: float) -> float | None:
        if self.star_values is not None:
            probs = np.average(values[:, 1:], axis=0, weights=np.asarray(tokens, dtype=float))
            return float(probs @ self.star_values)
        if self.star_table:
            return float(np.interp(score, self.star_table["score"], self.star_table["stars"]))
        return None


def special_tokens(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The ids a tokenizer puts before and after one sequence (e.g. [CLS] and [SEP])."""
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    framed = tokenizer("a", add_special_tokens=True)["input_ids"]
    for start in range(len(framed) - len(plain) + 1):
        if framed[start : start + len(plain)] == plain:
            return framed[:start], framed[start + len(plain) :]
    raise ValueError(f"cannot find the text between the special tokens of {type(tokenizer).__name__}")


_NEGATIVE = ("neg", "negative", "label_0")
_NEUTRAL = ("neu", "neutral")
_POSITIVE = ("pos", "positive")


def label_polarity(id2label: dict[int, str]) -> tuple[np.ndarray, np.ndarray | None]:
    """The polarity (-1..1) of each output label, and its star value for 1-5 star models.

    Understands negative/positive (also LABEL_0/LABEL_1 of a two-label model), an added neutral,
    and "1 star".."5 stars". Anything else is refused with the labels it found.
    """
    labels = [str(id2label[i]).strip().lower() for i in range(len(id2label))]
    stars = [re.match(r"^([1-5])\s*stars?$", label) for label in labels]
    if len(labels) == 5 and all(stars):
        values = np.array([float(m[1]) for m in stars])
        return (values - 3.0) / 2.0, values
    polarity = []
    for label in labels:
        if label in _NEGATIVE:
            polarity.append(-1.0)
        elif label in _NEUTRAL:
            polarity.append(0.0)
        elif label in _POSITIVE or (label == "label_1" and len(labels) == 2):
            polarity.append(1.0)
        else:
            raise ValueError(
                f"cannot tell the sentiment of label '{label}' (labels: {labels}); expected "
                "negative/positive, negative/neutral/positive or 1-5 stars"
            )
    return np.array(polarity), None


def scorer_kind(source: ModelSource) -> str:
    """``classifier`` or ``lm``: from the model's config (a GGUF file is always a causal LM)."""
    if source.gguf_file:
        return "lm"
    config_file = Path(source.location) / "config.json"
    if source.is_local and config_file.is_file():
        architectures = json.loads(config_file.read_text(encoding="utf-8")).get("architectures") or []
    else:
        from transformers import AutoConfig

        architectures = AutoConfig.from_pretrained(source.location).architectures or []
    if any(a.endswith("ForSequenceClassification") for a in architectures):
        return "classifier"
    if any(a.endswith("ForCausalLM") for a in architectures):
        return "lm"
    raise ValueError(
        f"model '{source.name}' is neither a sequence classifier nor a causal LM (architectures: {architectures})"
    )


def make_scorer(settings: Settings, model: str | None = None) -> ClassifierScorer | ZeroShotLMScorer:
    """The right scorer for a model name (default: setting ``sentiment_model``), not yet loaded."""
    name = model or settings.sentiment_model
    kind = scorer_kind(resolve_model(name))
    return ClassifierScorer(settings, name) if kind == "classifier" else ZeroShotLMScorer(settings, name)
