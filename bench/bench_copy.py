"""Campaign copy on CPU with the offline model: facts, faults, model share and latency per brief.

    python -m bench.bench_copy [--set fixed|written|all] [--threads N] [--busy] [--raw N]
                               [--sample N] [--limit N] [--model NAME]

Briefs: the 20 fixed briefs of tests/data/briefs.json and the briefs written for this bench in
bench/data/copy_briefs.json (offers as planners type them, read by ``parse_offer``). For each
brief, ``CopyWriter.generate``; then every shown variant is checked again here, independently of
the writer: the share carrying every fact of the offer (each fact's regex), the share with any
fault a planner would delete (meta-text, first person, dialogue, quotes, unfinished sentences,
repeated words, unknown names, unsupported claims, plus any other failed check), and the share
whose opening the model wrote. Raw compliance is measured twice, before any code help: the
model's hooks exactly as written, and (``--raw N``) N whole messages per brief written by the
model alone from a prompt listing the facts (the way this product worked before patterns).

Latency: time to the first passing variant with a model-written hook and to the whole result,
wall and CPU seconds (``time.process_time``: the CPU this process used, all its threads), so a
run on a shared machine can be read. ``--busy`` starts two processes spinning the cores for the
whole run (the "busy machine" case). ``--sample N`` prints N shown variants drawn at random
(seed 7) for scoring by hand (docs/CAMPAIGNS.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import torch

from analytics.campaigns.copy_rules import check_copy, validate_brief
from analytics.campaigns.copywriter import CopyWriter, Grounding
from models.settings import Settings
from tests.models.copy_briefs import load_briefs

WRITTEN = Path(__file__).resolve().parent / "data" / "copy_briefs.json"
SHORT_TARGET_S = 5.0  # first short-channel variant on a quiet 2-core machine
# The faults of issue-level concern: what a planner would delete before sending.
FAULT_CHECKS = {
    "no_meta_text",
    "no_first_person",
    "no_dialogue",
    "no_quotes",
    "finished_sentences",
    "no_repeated_words",
    "no_unknown_names",
    "no_unsupported_claims",
}


def written_briefs(today: date | None = None) -> list[tuple[str, object, Grounding]]:
    data = json.loads(WRITTEN.read_text(encoding="utf-8"))
    groundings = {
        k: Grounding(
            g["segment_name"], tuple(g["segment_facts"]), tuple(map(tuple, g["products"])), tuple(g["snippets"])
        )
        for k, g in data["groundings"].items()
    }
    out = []
    for item in data["briefs"]:
        brief = validate_brief(item["channel"], item["offer"], tone=item["tone"], variants=3, today=today)
        out.append((item["name"], brief, groundings[item["grounding"]]))
    return out


def spin() -> None:
    while True:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="all", choices=("fixed", "written", "all"))
    parser.add_argument("--model", default=None, help="copy model (default: the settings' copy_model)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--busy", action="store_true", help="keep both cores busy with two spinning processes")
    parser.add_argument("--raw", type=int, default=2, help="whole messages per brief for the raw baseline (0: skip)")
    parser.add_argument("--sample", type=int, default=0, help="print this many shown variants drawn at random")
    parser.add_argument("--limit", type=int, default=0, help="only the first N briefs")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(2 if args.busy else 0)]
    for p in spinners:
        p.start()
    try:
        return run(args)
    finally:
        for p in spinners:
            p.terminate()


def run(args: argparse.Namespace) -> int:
    started, cpu0 = time.perf_counter(), time.process_time()
    writer = CopyWriter(Settings(), args.model).load()
    print(
        f"model {writer.name} on {writer.device}, {args.threads} thread(s), busy={args.busy}; load "
        f"{time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu0:.1f} s CPU"
    )
    briefs = []
    if args.set in ("fixed", "all"):
        briefs += [("fixed", *b) for b in load_briefs()]
    if args.set in ("written", "all"):
        briefs += [("written", *b) for b in written_briefs()]
    if args.limit:
        briefs = briefs[: args.limit]
    rows, shown = [], []
    for group, name, brief, grounding in briefs:
        cpu = time.process_time()
        result = writer.generate(brief, grounding)
        cpu = time.process_time() - cpu
        raw = writer.whole_texts(brief, grounding, args.raw) if args.raw else []
        raw_ok = sum(all(c.passed for c in check_copy(t, brief, grounding)) for t in raw)
        for v in result.variants:
            checks = check_copy(v.text, brief, grounding)
            facts = all(p.search(v.text) for _, _, p in brief.offer.fact_patterns())
            faults = [c.name for c in checks if not c.passed]
            shown.append(
                {"group": group, "brief": name, "channel": brief.channel, "text": v.text}
                | {"source": v.hook_source, "facts": facts, "faults": faults}
            )
        rows.append(
            {
                "group": group,
                "short": brief.spec.short,
                "shown": len(result.variants),
                "model": sum(v.hook_source == "model" for v in result.variants),
                "hooks": result.candidates,
                "hooks_raw_ok": round(result.raw_compliance * result.candidates),
                "raw": len(raw),
                "raw_ok": raw_ok,
                "first": result.first_variant_s,
                "first_cpu": result.first_variant_cpu_s,
                "total": result.seconds,
                "cpu": cpu,
            }
        )
        first = f"{result.first_variant_s:.1f}" if result.first_variant_s is not None else "-"
        print(
            f"  {name} ({brief.channel}): {len(result.variants)} shown, {rows[-1]['model']} with a model hook, "
            f"first model variant {first} s, total {result.seconds:.1f} s wall / {cpu:.1f} s CPU",
            flush=True,
        )
    report(rows, shown)
    if args.sample:
        print_sample(shown, args.sample)
    return 0


def report(rows: list[dict], shown: list[dict]) -> None:
    print("\n| set | briefs | >= 3 shown | shown variants | every fact | any fault | model hook | "
          "raw hooks as written | raw whole messages |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for group in ("fixed", "written", "all"):
        rs = [r for r in rows if group in ("all", r["group"])]
        if not rs:
            continue
        vs = [v for v in shown if group in ("all", v["group"])]
        n_v = max(1, len(vs))
        hooks, raw = sum(r["hooks"] for r in rs), sum(r["raw"] for r in rs)
        print(
            f"| {group} | {len(rs)} | {sum(r['shown'] >= 3 for r in rs) / len(rs):.2f} | {len(vs)} "
            f"| {sum(v['facts'] for v in vs) / n_v:.2f} | {sum(bool(v['faults']) for v in vs) / n_v:.2f} "
            f"| {sum(v['source'] == 'model' for v in vs) / n_v:.2f} "
            f"| {sum(r['hooks_raw_ok'] for r in rs) / max(1, hooks):.2f} of {hooks} "
            f"| {sum(r['raw_ok'] for r in rs) / max(1, raw):.2f} of {raw} |"
        )
    faults = [f for v in shown for f in v["faults"]]
    print("faults in shown variants:", {f: faults.count(f) for f in sorted(set(faults))} or "none")
    for label, short in (("short channels", True), ("long channels", False)):
        rs = [r for r in rows if r["short"] == short]
        firsts = [r["first"] for r in rs if r["first"] is not None]
        first_cpus = [r["first_cpu"] for r in rs if r["first_cpu"] is not None]
        if not rs:
            continue
        print(
            f"{label}: first model variant p50 {_p50(firsts)} / max {max(firsts, default=float('nan')):.1f} s "
            f"(CPU p50 {_p50(first_cpus)} / max {max(first_cpus, default=float('nan')):.1f} s; "
            f"{len(firsts)}/{len(rs)} briefs had one); whole result p50 {_p50([r['total'] for r in rs])} s wall, "
            f"{_p50([r['cpu'] for r in rs])} s CPU"
        )


def _p50(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


def print_sample(shown: list[dict], n: int) -> None:
    print(f"\n{n} shown variants drawn at random (seed 7):")
    for i, v in enumerate(random.Random(7).sample(shown, min(n, len(shown))), start=1):
        text = v["text"].replace("\n\n", " / ")
        print(f"{i}. [{v['channel']}, {v['source']}] {text}")


if __name__ == "__main__":
    sys.exit(main())
