"""Text generation with a loaded chat causal LM: batched sampling from a cached prompt prefix, fluency.

The model comes from ``models.causal_lm`` (loaded once per process, or by whoever caches it);
this module only runs it. What to write and whether a text is acceptable is the caller's
business (``analytics.campaigns.copywriter`` builds prompts and checks the texts).
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import torch

TEMPERATURE = 0.8
TOP_P = 0.92
REPETITION_PENALTY = 1.15  # on generated tokens only: the prompt's facts must stay copyable
NO_REPEAT_NGRAM = 3
NO_TOKENS_LOGPROB = -99.0  # fluency of a text with no tokens: below any real text


class TextGenerator:
    """Samples and scores text with a tokenizer and a causal LM already on ``device``.

    ``tokenizer`` needs a chat template; ``model`` is a transformers causal LM in eval mode
    (``models.causal_lm.load_causal_lm`` returns both). Only read-only inference runs here, so
    one loaded model may serve several generators.
    """

    def __init__(self, tokenizer: Any, model: Any, device: str) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.device = device
        # (token ids, key-value cache) of a prompt prefix shared by many prompts (a system turn
        # and its examples): its pass runs once, not once per prompt.
        self._prefix: tuple[list[int], Any] | None = None
        self.lock = threading.Lock()  # the prefix cache is copied, never changed, but is set once
        self._sentence_ends: torch.Tensor | None = None

    def cache_prefix(self, messages: list[dict[str, str]]) -> int:
        """Run the chat text of ``messages`` (no reply prompt) once and keep its key-value cache.

        Later prompts that start with exactly these tokens skip their pass. Returns its length.
        """
        from transformers import DynamicCache

        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=False)
        ids = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"].to(self.device)
        cache = DynamicCache()
        with torch.inference_mode():
            self.model(input_ids=ids, past_key_values=cache, use_cache=True)
        with self.lock:
            self._prefix = (ids[0].tolist(), cache)
        return ids.shape[1]

    def encode(self, messages: list[dict[str, str]]) -> tuple[torch.Tensor, str]:
        """(1 x n token ids on the model's device, chat text) of ``messages`` ready for a reply."""
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)["input_ids"]
        return ids.to(self.device), text

    def sample(self, prompt_ids: torch.Tensor, n: int, max_new_tokens: int, seed: int) -> list[str]:
        """``n`` sampled continuations of ``prompt_ids`` (1 x n), decoded without special tokens."""
        return [text for text, _ in self.sample_ends(prompt_ids, n, max_new_tokens, seed)]

    def sample_ends(
        self, prompt_ids: torch.Tensor, n: int, max_new_tokens: int, seed: int, one_sentence: bool = False
    ) -> list[tuple[str, bool]]:
        """``n`` sampled continuations as (text, finished): finished is False when cut at the limit.

        ``one_sentence`` ends each continuation at its first sentence end (. ! ? or a new line):
        a caller that uses one sentence saves the tokens after it.

        The prompt is run once (from the cached prefix when it starts with it) and its key-value
        cache copied ``n`` times, so a batch of candidates costs one prompt pass.
        """
        from transformers import LogitsProcessorList, StoppingCriteriaList

        torch.manual_seed(seed)
        prompt_len = prompt_ids.shape[1]
        stops = [SentenceEnd(self.sentence_end_ids())] if one_sentence else []
        with torch.inference_mode():
            cache = self._prompt_cache(prompt_ids)
            cache.batch_repeat_interleave(n)
            out = self.model.generate(
                input_ids=prompt_ids.repeat(n, 1),
                attention_mask=torch.ones((n, prompt_len), dtype=torch.long, device=prompt_ids.device),
                past_key_values=cache,
                do_sample=True,
                temperature=TEMPERATURE,
                top_p=TOP_P,
                max_new_tokens=max_new_tokens,
                logits_processor=LogitsProcessorList([GeneratedRepetition(prompt_len)]),
                stopping_criteria=StoppingCriteriaList(stops),
                pad_token_id=self._pad_token_id(),
            )
        new = out[:, prompt_len:]
        stop_ids = self._stop_ids() + (self.sentence_end_ids().tolist() if one_sentence else [])
        ends = torch.isin(new, torch.tensor(stop_ids, device=new.device)).any(dim=1).tolist()
        return list(zip(self.tokenizer.batch_decode(new, skip_special_tokens=True), ends, strict=True))

    def _prompt_cache(self, prompt_ids: torch.Tensor) -> Any:
        """The key-value cache of all but the prompt's last token, from the prefix cache if it fits."""
        from transformers import DynamicCache

        ids = prompt_ids[0].tolist()
        prefix = self._prefix
        if prefix is not None and len(prefix[0]) < len(ids) and ids[: len(prefix[0])] == prefix[0]:
            cache, start = copy.deepcopy(prefix[1]), len(prefix[0])
        else:
            cache, start = DynamicCache(), 0
        if start < len(ids) - 1:
            self.model(input_ids=prompt_ids[:, start:-1], past_key_values=cache, use_cache=True)
        return cache

    def fluency(self, texts: list[str], context: list[dict[str, str]]) -> list[float]:
        """Mean token log-probability of each text as the assistant's reply to ``context``.

        Higher reads better to the model; a text with no tokens gets ``NO_TOKENS_LOGPROB``.
        """
        if not texts:
            return []
        start = self.tokenizer.apply_chat_template(context, tokenize=False, add_generation_prompt=True)
        prefix = self.tokenizer(start, add_special_tokens=False)["input_ids"]
        rows = [prefix + self.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, r in enumerate(rows):
            ids[i, : len(r)], mask[i, : len(r)] = torch.tensor(r), 1
        with torch.inference_mode():
            logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
            logp = torch.log_softmax(logits[:, :-1].float(), dim=-1).cpu()
        token_lp = torch.gather(logp, 2, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
        out = []
        for i, r in enumerate(rows):
            span = token_lp[i, len(prefix) - 1 : len(r) - 1]
            out.append(float(span.mean()) if len(span) else NO_TOKENS_LOGPROB)
        return out

    def sentence_end_ids(self) -> torch.Tensor:
        """Ids of the vocabulary's tokens that end a sentence (hold . ! ? or a new line); computed once."""
        if self._sentence_ends is None:
            vocab = self.tokenizer.get_vocab().values()
            ends = [i for i in vocab if any(c in self.tokenizer.decode([i]) for c in ".!?\n")]
            self._sentence_ends = torch.tensor(sorted(ends), device=self.device)
        return self._sentence_ends

    def _stop_ids(self) -> list[int]:
        """Tokens that end a reply: the tokenizer's and the model's generation config's."""
        configured = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        configured = configured if isinstance(configured, list) else [configured]
        return [i for i in {self.tokenizer.eos_token_id, *configured} if i is not None]

    def _pad_token_id(self) -> int:
        return self.tokenizer.pad_token_id or self.tokenizer.eos_token_id


class GeneratedRepetition:
    """Repetition penalty and n-gram blocking over generated tokens only.

    transformers' own processors look at the prompt too, which would stop the model from
    copying facts (``code XMAS20``) that the prompt asks it to copy.
    """

    def __init__(self, prompt_len: int, penalty: float = REPETITION_PENALTY, ngram: int = NO_REPEAT_NGRAM):
        self.prompt_len, self.penalty, self.ngram = prompt_len, penalty, ngram

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        generated = input_ids[:, self.prompt_len :]
        if generated.shape[1] == 0:
            return scores
        picked = torch.gather(scores, 1, generated)
        picked = torch.where(picked < 0, picked * self.penalty, picked / self.penalty)
        scores = scores.scatter(1, generated, picked)
        n = self.ngram
        if generated.shape[1] >= n:
            for row, ids in enumerate(generated.tolist()):
                prefix = tuple(ids[-(n - 1) :])
                banned = [ids[i + n - 1] for i in range(len(ids) - n + 1) if tuple(ids[i : i + n - 1]) == prefix]
                if banned:
                    scores[row, banned] = -float("inf")
        return scores


class SentenceEnd:
    """A stopping criterion per row: a row is done once it has written a sentence-ending token."""

    def __init__(self, end_ids: torch.Tensor) -> None:
        self.end_ids = end_ids

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        return torch.isin(input_ids[:, -1], self.end_ids)
