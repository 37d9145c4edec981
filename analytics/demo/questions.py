"""Questions the demo shop's customers ask the assistant about products they viewed.

So that "What customers ask" (the Assistant page) has customers, segments and content gaps on
`make run`: a share of the customers who viewed something ask one or two questions about a
product they viewed, shortly after their last view of it. Questions come from a short list per
top category, some answerable from the demo's product knowledge (materials, warranty, the
category's yes/no property; analytics.demo.knowledge) and some not (delivery, colours, battery
life, what is in the box), so the share the catalog cannot answer is neither 0 nor 1. Drawn from
their own random stream: the rest of the shop is the same with or without them.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pandas as pd

from analytics.core import queries

ASKING_SHARE = 0.2  # of the customers with a view
SECOND_QUESTION_SHARE = 0.3  # of the askers
EVERYWHERE = (
    "What is it made of?",
    "How long is the warranty?",
    "How fast is delivery?",
    "Does it come in other colours?",
    "What comes in the box?",
    "How heavy is it?",
    "Is there a discount if I buy two?",
)
BY_TOP = {
    "electronics": ("Can I use it in the rain?", "How long does the battery last?", "Does it work with an iPhone?"),
    "computers": ("Are the keys backlit?", "How long does the battery last?", "Does it work with a Mac?"),
    "appliances": ("Is it quiet at night?", "How many watts does it use?", "How do I clean it?"),
    "apparel": ("Can I machine wash it?", "Does it run small?", "What size should I order if I am 180 cm tall?"),
    "beauty": ("Does it have a scent?", "Is it suitable for sensitive skin?", "How do I apply it?"),
    "home": ("Does it need assembly?", "What are the dimensions?", "Is it sturdy?"),
    "sport": ("Is it waterproof?", "What size should I get?", "Is it suitable for beginners?"),
}


def customer_questions(con: duckdb.DuckDBPyConnection, rng: np.random.Generator) -> pd.DataFrame:
    """``question_id, product_id, user_id, question, asked_at`` rows for demo_customer_questions."""
    viewed = queries.frame(con, "demo_viewed_products")
    if viewed.empty:
        return pd.DataFrame(columns=["question_id", "product_id", "user_id", "question", "asked_at"])
    users = viewed["user_id"].unique()
    askers = users[rng.random(len(users)) < ASKING_SHARE]
    twice = set(askers[rng.random(len(askers)) < SECOND_QUESTION_SHARE])
    mine = viewed[viewed["user_id"].isin(set(askers))].groupby("user_id", sort=True)
    rows = []
    for user_id, products in mine:
        for _ in range(2 if user_id in twice else 1):
            pick = products.iloc[int(rng.integers(len(products)))]
            choices = BY_TOP.get(pick["top"], ()) + EVERYWHERE
            # The category's own questions are asked more often than the general ones.
            weights = np.array([3.0] * len(BY_TOP.get(pick["top"], ())) + [1.0] * len(EVERYWHERE))
            question = choices[int(rng.choice(len(choices), p=weights / weights.sum()))]
            asked_at = pick["last_viewed"] + pd.Timedelta(minutes=int(rng.integers(1, 30)))
            rows.append(
                (_id(pick["product_id"], user_id, question, asked_at), pick["product_id"], user_id, question, asked_at)
            )
    return pd.DataFrame(rows, columns=["question_id", "product_id", "user_id", "question", "asked_at"]).drop_duplicates(
        "question_id"
    )


def _id(product_id: str, user_id: str, question: str, asked_at: pd.Timestamp) -> str:
    parts = chr(31).join((product_id, question, user_id, asked_at.isoformat(), "demo"))
    return "ask:" + hashlib.sha256(parts.encode()).hexdigest()[:24]
