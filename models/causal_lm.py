"""Loading a causal LM and its tokenizer (GGUF or not) on the chosen device: one place for it.

Review sentiment (``models.sentiment``) and the copy writer (``analytics.campaigns.copywriter``) both run the
packaged SmolLM2 by default; they load it the same way, so the code lives here. Each load is a new
model: a caller that writes many times keeps the object it loaded (the dashboard in
``st.cache_resource``, the command line for the length of its process).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from models.device import DevicePlan, choose_device
from models.registry import ModelSource, resolve_model


def load_causal_lm(
    name: str, device: str = "auto", cache_dir: Path | None = None
) -> tuple[ModelSource, DevicePlan, Any, Any]:
    """(source, device plan, tokenizer, model in eval mode) for a model name of the settings.

    A GGUF file is dequantised on load (about 20 CPU seconds for SmolLM2-135M, its tokenizer
    another 10): with ``cache_dir`` the result is saved there once as a plain model folder and
    later loads read that (a second or two). The dtype is the device plan's (fp32 on CPU,
    bf16/fp16 on CUDA).
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model(name)
    plan = choose_device(device)
    location, kwargs = source.location, {"gguf_file": source.gguf_file} if source.gguf_file else {}
    if source.gguf_file and cache_dir is not None:
        location, kwargs = str(_dequantised(source, Path(cache_dir))), {}
    tokenizer = AutoTokenizer.from_pretrained(location, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(location, dtype=plan.dtype, **kwargs)
    return source, plan, tokenizer, model.to(plan.device).eval()


def _dequantised(source: ModelSource, cache_dir: Path) -> Path:
    """The folder holding the GGUF model dequantised, written on first use (atomically: a rename)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(source.location) / source.gguf_file
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = cache_dir / f"dequantised-{gguf.stem}-{key}"
    if (folder / "config.json").is_file():
        return folder
    partial = cache_dir / f".{folder.name}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    AutoTokenizer.from_pretrained(source.location, gguf_file=source.gguf_file).save_pretrained(partial)
    model = AutoModelForCausalLM.from_pretrained(source.location, gguf_file=source.gguf_file)
    # The weights are plain tensors once dequantised; the GGUF quantizer left attached would
    # refuse to save them.
    model.hf_quantizer = None
    model.config.__dict__.pop("quantization_config", None)
    model.save_pretrained(partial)
    try:
        partial.rename(folder)
    except OSError:  # another process wrote it first: theirs is the same model
        shutil.rmtree(partial, ignore_errors=True)
    return folder
