"""Loading a causal LM and its tokenizer (GGUF or not) on the chosen device: one place for it.

Review sentiment (``models.sentiment``) and the copy writer (``analytics.campaigns.copywriter``) both run the
packaged SmolLM2 by default; they load it the same way, so the code lives here.
"""

from __future__ import annotations

import threading
from typing import Any

from models.device import DevicePlan, choose_device
from models.registry import ModelSource, resolve_model

_CACHE: dict[tuple[str, str], tuple[ModelSource, DevicePlan, Any, Any]] = {}
_LOCK = threading.Lock()


def load_causal_lm(name: str, device: str = "auto") -> tuple[ModelSource, DevicePlan, Any, Any]:
    """(source, device plan, tokenizer, model in eval mode) for a model name of the settings.

    A GGUF file is dequantised on load (about 15 s on CPU for SmolLM2-135M); the dtype is the
    device plan's (fp32 on CPU, bf16/fp16 on CUDA).
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model(name)
    plan = choose_device(device)
    kwargs = {"gguf_file": source.gguf_file} if source.gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(source.location, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(source.location, dtype=plan.dtype, **kwargs)
    return source, plan, tokenizer, model.to(plan.device).eval()


def cached_causal_lm(name: str, device: str = "auto") -> tuple[ModelSource, DevicePlan, Any, Any]:
    """``load_causal_lm`` once per (model name, device setting) in this process.

    The dashboard asks for copy many times per session; reloading would cost 15 s each time.
    Only read-only inference may use the shared model.
    """
    key = (name, device)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_causal_lm(name, device)
        return _CACHE[key]
