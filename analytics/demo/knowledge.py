"""Product knowledge for the demo shop: a description, attributes and earlier Q&A per product.

So that the shopping assistant and `advise` work on `make run`'s demo, every product gets what a
real catalog export holds (docs/ASSISTANT.md): one description, three or four attributes that
follow its category, brand and price tier, and two earlier customer questions answered from
those attributes (one yes/no, one open). Drawn from the catalog's own random stream, so the
same seed writes the same text; plain Python over products (about 5 µs each).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from analytics.demo.catalog import Catalog
from analytics.demo.catalog_tree import LEAVES

TIER_WORDS = ("budget", "good-value", "mid-range", "premium")
# Per top category, one yes/no property: (attribute, question, description when it has it, when
# it does not, earlier answer yes, earlier answer no).
YES_NO = {
    "electronics": (
        "water resistant",
        "Is it waterproof?",
        "It is water resistant (IPX4).",
        "It is not water resistant.",
        "Yes, it is rated water resistant (IPX4).",
        "No, it is not water resistant, keep it dry.",
    ),
    "computers": (
        "backlit keys",
        "Does it have a backlit keyboard?",
        "Its keys are backlit.",
        "Its keys are not backlit.",
        "Yes, the keys are backlit.",
        "No, the keys are not backlit.",
    ),
    "appliances": (
        "quiet mode",
        "Is it quiet enough to run at night?",
        "It has a quiet mode.",
        "It has no quiet mode.",
        "Yes, it has a quiet mode.",
        "No, it has no quiet mode and is fairly loud.",
    ),
    "apparel": (
        "machine washable",
        "Can I put it in the washing machine?",
        "It is machine washable at 30 degrees.",
        "It is hand wash only.",
        "Yes, it is machine washable at 30 degrees.",
        "No, hand wash only.",
    ),
    "beauty": (
        "fragrance free",
        "Is it fragrance free?",
        "It is fragrance free.",
        "It has a light scent.",
        "Yes, it is fragrance free.",
        "No, it has a light scent.",
    ),
    "home": (
        "assembly required",
        "Does it need assembly?",
        "It needs assembly (about 30 minutes).",
        "It arrives assembled.",
        "Yes, it needs assembly, about 30 minutes.",
        "No, it arrives assembled.",
    ),
    "sport": (
        "waterproof",
        "Can I use it in the rain?",
        "It is waterproof.",
        "It is not waterproof.",
        "Yes, it is waterproof.",
        "No, it is not waterproof.",
    ),
}
MATERIALS = {
    "electronics": ("aluminium", "plastic", "glass"),
    "computers": ("aluminium", "plastic"),
    "appliances": ("stainless steel", "plastic"),
    "apparel": ("cotton", "polyester", "linen", "leather", "wool"),
    "beauty": ("glass bottle", "recycled plastic tube"),
    "home": ("oak", "steel", "fabric", "pine"),
    "sport": ("nylon", "polyester", "rubber"),
}
WARRANTY_YEARS = (1, 2, 2, 3)  # by price tier


def product_knowledge(catalog: Catalog, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(documents, qa)``: rows for ``product_documents`` (document_id, product_id, kind, text,
    source_ref) and ``product_qa`` (qa_id, product_id, question, answer, source_ref)."""
    n = catalog.size
    has_property = rng.random(n) < 0.5
    material_pick = rng.integers(0, 1_000, n)
    documents, qa = [], []
    for i in range(n):
        leaf = LEAVES[int(catalog.leaf[i])]
        top, tier = leaf.top, int(catalog.tier[i])
        attribute, question, has, has_not, yes, no = YES_NO.get(top, YES_NO["home"])
        materials = MATERIALS.get(top, MATERIALS["home"])
        material = materials[int(material_pick[i]) % len(materials)]
        years = WARRANTY_YEARS[min(tier, len(WARRANTY_YEARS) - 1)]
        period = f"{years} year{'s' if years != 1 else ''}"  # "warranty: 2 years"; "a 2-year warranty"
        pid, brand, noun = str(catalog.product_id[i]), str(catalog.brand[i]), leaf.noun.lower()
        flag = bool(has_property[i])
        description = (
            f"The {brand} {leaf.noun} is a {TIER_WORDS[min(tier, 3)]} {noun} made of {material}. "
            f"{has if flag else has_not} It comes with a {years}-year warranty."
        )
        for kind, text in (
            ("description", description),
            ("attribute", f"brand: {brand}"),
            ("attribute", f"material: {material}"),
            ("attribute", f"{attribute}: {'yes' if flag else 'no'}"),
            ("attribute", f"warranty: {period}"),
        ):
            documents.append((_id("doc", pid, kind, text), pid, kind, text, f"demo:{pid}"))
        warranty = ("How long is the warranty?", f"It has a {years}-year warranty.")
        for asked, answer in ((question, yes if flag else no), warranty):
            qa.append((_id("qa", pid, asked, answer), pid, asked, answer, f"demo:{pid}"))
    return (
        pd.DataFrame(documents, columns=["document_id", "product_id", "kind", "text", "source_ref"]),
        pd.DataFrame(qa, columns=["qa_id", "product_id", "question", "answer", "source_ref"]),
    )


def _id(prefix: str, *parts: str) -> str:
    """A content id like the product_qa importer's: the same text of a product is one row."""
    return f"{prefix}-" + hashlib.sha256(chr(31).join(parts).encode()).hexdigest()[:24]
