"""Question topics: one real-shaped question per topic, overlaps settled by the rule order, and
the words that decided each assignment."""

import pytest

from analytics.assistant import topics


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Does this run true to size? I wear a medium.", "size & fit"),
        ("Would these work for a girl in size 11?", "size & fit"),
        ("Will this fit a 2009 EZGO TXT?", "compatibility"),
        ("Does it work with the iPad Air?", "compatibility"),
        ("What is the material? Is it BPA free?", "material & care"),
        ("Can I put it in the dishwasher?", "material & care"),
        ("How tall is the dollhouse?", "dimensions & weight"),
        ("How much does it weigh?", "dimensions & weight"),
        ("How long does the battery last on one charge?", "power & battery"),
        ("How do I install the map from the SD card?", "how to use"),
        ("Does the car come with a battery charger?", "what's in the box"),
        ("How many pieces are in this set?", "what's in the box"),
        ("Is there a coupon for this?", "price & offers"),
        ("If I order Saturday, when will it be delivered?", "delivery, returns & warranty"),
        ("Does the latch come in white?", "colour & look"),
        ("What age is this appropriate for?", "age & suitability"),
        ("Is it sturdy enough for a teenager?", "quality & durability"),
        ("Does it have a remote?", "features"),
        ("What is the recipe for the peppermint cocktail?", topics.OTHER),
        ("", topics.OTHER),
    ],
)
def test_each_topic_on_a_question_of_its_kind(question, topic):
    assert topics.topic_of(question) == topic


def test_the_words_that_decided_are_given_and_whole_words_only():
    assert topics.why("Does it come with a charger?") == ("what's in the box", "come with")
    # "age" inside "package" or "usage" is not a question about age.
    assert topics.topic_of("Is the usage of this package obvious?") != "age & suitability"
    assert topics.why("Tell me a story") == (topics.OTHER, "")


def test_every_topic_is_listed_once_with_other_last():
    assert len(set(topics.TOPICS)) == len(topics.TOPICS) and topics.TOPICS[-1] == topics.OTHER
