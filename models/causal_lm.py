"""Loading a causal LM and its tokenizer (GGUF or not) on the chosen device: one place for it.

Review sentiment (``models.sentiment``) and the copy writer (``analytics.campaigns.copywriter``) both run the
packaged SmolLM2 by default; they load it the same way, so the code lives here. Each load is a new
model: a caller that writes many times keeps the object it loaded (the dashboard in
``st.cache_resource``, the command line for the length of its process).
"""

from __future__ import annotations

from typing import Any

from models.device import DevicePlan, choose_device
from models.registry import ModelSource, resolve_model


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
