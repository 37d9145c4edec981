"""Campaign copy on CPU with the offline model: compliance and latency on the 20 fixed briefs.

    python -m bench.bench_copy [--model NAME] [--threads N] [--candidates N]

For each brief of tests/data/briefs.json: ``CopyWriter.generate`` (sampled candidates, checks,
framing, ranking) and, for long channels, the time to the first streamed words. The baseline,
in the same process on the same briefs and prompt: one greedy generation shown as is, without
checks (what a naive integration does: nothing is on screen until its whole text is written).
Prints per channel the raw compliance (model text before framing), the framed compliance,
briefs with at least one shown variant and the baseline's compliance with the ratio; then the
latency against the baseline: for short channels the first checked variant against the greedy
text's time (the design's target: under 5 s on CPU), for long channels the first streamed words
against the greedy text's time (target: under 2 s); then two sample outputs per channel. The
tests assert the behaviour behind these figures, never the times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict

import torch

from analytics.campaigns.copy_rules import CHANNELS, check_copy
from analytics.campaigns.copywriter import CopyWriter
from models.settings import Settings
from tests.models.copy_briefs import load_briefs

SHORT_TARGET_S = 5.0  # first checked variant of a short channel on CPU (docs: performance targets)
STREAM_TARGET_S = 2.0  # first streamed words of a long text on CPU


def greedy_baseline(writer: CopyWriter, brief, grounding) -> tuple[str, float]:
    """One greedy generation of the same prompt, shown as is: the naive way."""
    started = time.perf_counter()
    ids, _, _ = writer.prompt_ids(brief, grounding)
    with torch.inference_mode():
        out = writer.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            do_sample=False,
            max_new_tokens=brief.spec.max_new_tokens,
            pad_token_id=writer.tokenizer.pad_token_id or writer.tokenizer.eos_token_id,
        )
    text = writer.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True).strip()
    return text, time.perf_counter() - started


def first_stream_words(writer: CopyWriter, brief, grounding) -> float | None:
    started = time.perf_counter()
    stream = writer.stream(brief, grounding)
    try:
        next(stream)
    except StopIteration:
        return None
    elapsed = time.perf_counter() - started
    stream.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="copy model (default: the settings' copy_model)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: 2-core machines shared)")
    parser.add_argument("--candidates", type=int, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    started = time.perf_counter()
    writer = CopyWriter(Settings(), args.model).load()
    load_s = time.perf_counter() - started
    print(f"model {writer.name} on {writer.device}, {args.threads} thread(s); load {load_s:.1f} s")
    stats: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for name, brief, grounding in load_briefs():
        result = writer.generate(brief, grounding, candidates=args.candidates)
        s = stats[brief.channel]
        s["raw_ok"].append(result.raw_compliance * result.candidates)
        s["framed_ok"].append(result.framed_compliance * result.candidates)
        s["candidates"].append(result.candidates)
        s["shown"].append(bool(result.variants))
        s["first"].append(result.first_variant_s if result.first_variant_s is not None else float("nan"))
        s["total"].append(result.seconds)
        s["samples"] += [v.text for v in result.variants[:1]]
        if not brief.spec.short:
            s["stream"].append(first_stream_words(writer, brief, grounding) or float("nan"))
        base_text, base_s = greedy_baseline(writer, brief, grounding)
        s["base_ok"].append(all(c.passed for c in check_copy(base_text, brief, grounding)))
        s["base_s"].append(base_s)
        print(f"  {name}: {len(result.variants)} shown, raw {result.raw_compliance:.0%}, {result.seconds:.1f} s")
    report(stats)
    return 0


def _ok(values: list[float]) -> list[float]:
    return [v for v in values if v == v]


def _fmt(values: list[float]) -> str:
    ok = _ok(values)
    return f"{statistics.median(ok):.1f} / {max(ok):.1f}" if ok else "-"


def _ratio(measured: list[float], baseline: list[float]) -> str:
    """Median of per-brief ratios measured / baseline (same brief, same process)."""
    pairs = [m / b for m, b in zip(measured, baseline, strict=True) if m == m and b == b and b > 0]
    return f"{statistics.median(pairs):.2f}x" if pairs else "-"


def report(stats: dict[str, dict[str, list]]) -> None:
    report_compliance(stats)
    report_latency(stats)
    print("\nsamples:")
    for channel in CHANNELS:
        for text in (stats.get(channel) or {}).get("samples", [])[:2]:
            print(f"- {channel}: {text!r}")


def report_compliance(stats: dict[str, dict[str, list]]) -> None:
    print("\n| channel | briefs | raw compliance | framed compliance | shown | baseline compliance |")
    print("|---|---:|---:|---:|---:|---:|")
    totals: dict[str, float] = defaultdict(float)
    for channel in CHANNELS:
        s = stats.get(channel)
        if not s:
            continue
        n, cands = len(s["shown"]), sum(s["candidates"])
        totals["raw"] += sum(s["raw_ok"])
        totals["framed"] += sum(s["framed_ok"])
        totals["cands"] += cands
        totals["shown"] += sum(s["shown"])
        totals["briefs"] += n
        totals["base"] += sum(s["base_ok"])
        print(
            f"| {channel} | {n} | {sum(s['raw_ok']) / cands:.0%} | {sum(s['framed_ok']) / cands:.0%} "
            f"| {sum(s['shown'])}/{n} | {sum(s['base_ok'])}/{n} |"
        )
    shown_share = totals["shown"] / totals["briefs"]
    base_share = totals["base"] / totals["briefs"]
    print(
        f"\nall: raw compliance {totals['raw'] / totals['cands']:.1%} of {int(totals['cands'])} candidates, "
        f"framed {totals['framed'] / totals['cands']:.1%}; briefs with a compliant variant shown "
        f"{int(totals['shown'])}/{int(totals['briefs'])}; baseline (one greedy text, unchecked) compliant "
        f"{int(totals['base'])}/{int(totals['briefs'])}; ratio "
        + (f"{shown_share / base_share:.1f}x" if base_share else "n/a (the baseline never complies)")
    )


def report_latency(stats: dict[str, dict[str, list]]) -> None:
    """Time until something is on screen, against the greedy baseline's time to its whole text."""
    print(
        "\n| channel | first on screen | p50 / max s | baseline greedy text p50 / max s "
        "| ratio (p50 per brief) | all candidates checked p50 / max s |"
    )
    print("|---|---|---|---|---:|---|")
    short, stream = [], []
    for channel in CHANNELS:
        s = stats.get(channel)
        if not s:
            continue
        measured, what = (
            (s["first"], "first checked variant") if CHANNELS[channel].short else (s["stream"], "first streamed words")
        )
        (short if CHANNELS[channel].short else stream).extend(_ok(measured))
        print(
            f"| {channel} | {what} | {_fmt(measured)} | {_fmt(s['base_s'])} | {_ratio(measured, s['base_s'])} "
            f"| {_fmt(s['total'])} |"
        )
    if short:
        print(f"short channels: first checked variant max {max(short):.1f} s (target < {SHORT_TARGET_S:.0f} s)")
    if stream:
        print(f"long channels: first streamed words max {max(stream):.1f} s (target < {STREAM_TARGET_S:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
