"""The draft pipeline end to end on a tiny random model saved as a folder (loads in a second).

A random model writes nonsense, so its hooks are rejected and the team's hooks carry the variants:
what this proves is the path (a folder as ``copy_model``, batched sampling from a cached prompt
prefix, patterns, checks, ranking, the model's share and the page's wording), not the quality.
The packaged model's quality is bench/bench_copy.py's, and tests/models/test_copywriter.py runs it.
"""

from __future__ import annotations

from datetime import date

import pytest
import torch

from analytics.campaigns.copy_rules import BriefError, check_copy, validate_brief
from analytics.campaigns.copywriter import CopyWriter, Grounding, build_messages
from models.generator import TextGenerator
from models.settings import Settings

TODAY = date(2026, 6, 1)
WORDS = (
    "your garden will thank you time for a fresh brew spoil best friend little pack bags now "
    "keen growers buy seeds every spring pruning shears coffee lovers order beans month espresso "
    "pet owners treats dogs chew toy frequent travellers fly twice cabin suitcase tone friendly "
    "playful warm urgent language english data customers products say sharp tools"
).split()
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
GROUNDING = Grounding("Keen growers", ("buy seeds every spring",), (("Pruning shears", "top pick"),), ("Sharp tools.",))


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> str:
    """A word-level tokenizer with a chat template and a one-layer Llama, saved as a model folder."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    vocab = {w: i for i, w in enumerate([*specials, "[UNK]", *dict.fromkeys(WORDS), *".!?,:;\"'<>/\n"])}
    raw = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split("\n", "isolated"), pre_tokenizers.Whitespace()])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token="[UNK]"
    )
    tokenizer.add_special_tokens({"additional_special_tokens": specials[1:]})
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=2048,
        eos_token_id=vocab["<|im_end|>"], pad_token_id=vocab["<|endoftext|>"],
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("tiny-copy-model")
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def writer(tiny_model_dir):
    return CopyWriter(Settings(copy_model=tiny_model_dir, device="cpu")).load()


@pytest.mark.parametrize("channel", ["push", "sms", "email_subject", "email_body", "social_caption"])
def test_every_shown_variant_states_every_fact_and_passes_every_check(writer, channel):
    offer = "Free shipping on all garden tools this weekend" if channel != "email_subject" else "10% off tools"
    brief = validate_brief(channel, offer, today=TODAY)
    result = writer.generate(brief, GROUNDING, candidates=4)
    assert result.candidates == len(result.raw_texts) == 4
    assert len(result.variants) == 3
    for variant in result.variants:
        assert all(c.passed for c in check_copy(variant.text, brief, GROUNDING)), variant.text
        assert all(p.search(variant.text) for _, _, p in brief.offer.fact_patterns()), variant.text
        assert variant.hook_source in ("model", "team", "none")
        assert variant.hook_source == "none" or variant.text.startswith(variant.hook)
    # Every sampled hook is either in a shown or ranked-out variant, or rejected with a reason.
    assert all(r.reasons for r in result.rejected)
    model_shown = sum(v.hook_source == "model" for v in result.variants)
    assert result.model_share == model_shown / 3
    said = f"{model_shown} of 3 variants" if model_shown else "None of the 3 variants opens with a line of the model"
    assert said in result.authorship() and writer.name in result.authorship()


def test_the_cached_prompt_prefix_gives_the_same_samples_as_a_full_prompt_pass(writer):
    brief = validate_brief("push", "20% off shears", today=TODAY)
    ids, _, _ = writer.prompt_ids(brief, GROUNDING)
    cached = writer.text_generator()
    assert cached._prefix is not None and len(cached._prefix[0]) < ids.shape[1]
    fresh = TextGenerator(writer.tokenizer, writer.model, "cpu")  # no prefix cache
    with_prefix = cached.sample_ends(ids, 3, 6, seed=5)
    without = fresh.sample_ends(ids, 3, 6, seed=5)
    assert with_prefix == without


def test_the_model_sees_the_segment_as_data_and_never_the_offer_facts():
    brief = validate_brief("push", "20% off shears, code GROW20", today=TODAY)
    messages, _ = build_messages(brief, GROUNDING)
    text = " ".join(m["content"] for m in messages)
    assert "GROW20" not in text and '"Keen growers"' in messages[-1]["content"]


def test_a_bad_offer_stops_before_the_model(writer):
    with pytest.raises(BriefError, match="free tote bag"):
        validate_brief("push", "20% off garden tools and a free tote bag", today=TODAY)


def test_the_draft_command_prints_who_wrote_each_opening_and_names_an_unplaceable_word(writer, capsys):
    import argparse
    from types import SimpleNamespace

    from analytics.cli import CliError
    from analytics.commands import draft

    brief = validate_brief("push", "Free shipping on all garden tools this weekend", today=TODAY)
    result = writer.generate(brief, GROUNDING, candidates=4)
    context = SimpleNamespace(segment_id=4, run_id=1, name="Keen growers", count_users=120)
    draft._print(result, context, [])
    out = capsys.readouterr().out
    assert result.authorship() in out and out.count("opening line: ") == len(result.variants) == 3
    as_json = draft._as_json(result, [])
    assert as_json["model_share"] == result.model_share
    assert {v["hook_written_by"] for v in as_json["variants"]} <= {"model", "team", "none"}

    parser = argparse.ArgumentParser()
    draft.add_arguments(parser)
    args = parser.parse_args(["--segment", "4", "--channel", "push", "--offer", "20% off tools and a free tote bag"])
    with pytest.raises(CliError, match="cannot place 'free tote bag'"):
        draft._brief(args, context)
