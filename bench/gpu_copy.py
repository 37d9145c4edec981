"""GPU check of the copy writer, one short run: device choice, dtype, hook batches, tokens/s.

    python -m bench.gpu_copy [--device auto|cuda|cpu] [--model NAME] [--candidates N]

Loads ``copy_model`` (the packaged model, any Hugging Face id or a model folder, e.g. a 0.5-1.5B
instruct model) through ``models.device.choose_device`` (bf16/fp16 on CUDA), samples hooks for a
few of the fixed briefs in batches (8 x the device's batch multiplier) and prints device, dtype,
batch size, generated tokens/s, first model variant latency, the model's share of the shown
variants and the raw compliance of its hooks. ``--device cpu`` is a quick check that the script
works anywhere; without CUDA, ``auto`` runs on the CPU and says so.
"""

from __future__ import annotations

import argparse
import sys
import time

import torch

from analytics.campaigns.copywriter import CopyWriter
from models.settings import Settings
from tests.models.copy_briefs import load_briefs

BRIEFS = ("subject-dresses", "push-runners", "sms-home", "body-tech", "social-tech")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", choices=("auto", "cuda", "cpu"))
    parser.add_argument("--model", default=None)
    parser.add_argument("--candidates", type=int, default=None, help="default: 8 short, 4 long, x batch multiplier")
    args = parser.parse_args(argv)
    settings = Settings(device=args.device)
    started = time.perf_counter()
    writer = CopyWriter(settings, args.model).load()
    plan = writer.plan
    print(f"model {writer.name}: device {plan.device}, dtype {plan.dtype}, batch multiplier {plan.batch_multiplier}")
    print(f"load {time.perf_counter() - started:.1f} s; cuda available: {torch.cuda.is_available()}")
    for name, brief, grounding in load_briefs():
        if name not in BRIEFS:
            continue
        writer.generate(brief, grounding, candidates=2)  # warm-up: kernels, allocator
        _sync(plan.device)
        result = writer.generate(brief, grounding, candidates=args.candidates)
        _sync(plan.device)
        tokens = sum(len(writer.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in result.raw_texts)
        first = f"{result.first_variant_s:.2f}" if result.first_variant_s is not None else "-"
        print(
            f"{name}: {result.candidates} hooks on {result.device}, {tokens / result.seconds:.0f} tokens/s, "
            f"first model variant {first} s, total {result.seconds:.2f} s, {len(result.variants)} shown, "
            f"model share {result.model_share:.0%}, raw hook compliance {result.raw_compliance:.0%}"
        )
        for variant in result.variants:
            print(f"    [{variant.hook_source}] {variant.text!r}")
    if plan.device == "cuda":
        print(f"peak GPU memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")
    return 0


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


if __name__ == "__main__":
    sys.exit(main())
