"""The demo shop's product knowledge: descriptions, attributes and earlier Q&A the assistant answers from."""

from analytics.assistant.knowledge import product_knowledge
from tests.unit.demo_support import build_memory


def test_every_demo_product_has_a_description_attributes_and_two_answered_questions():
    con, summary = build_memory(10_000, seed=5)
    counts = con.execute(
        "select count(distinct product_id) filter (where kind = 'description'), "
        "count(*) filter (where kind = 'attribute') from product_documents"
    ).fetchone()
    assert counts == (summary["products"], 4 * summary["products"])
    assert con.execute("select count(*) from product_qa").fetchone()[0] == 2 * summary["products"]
    # The yes/no answer agrees with the attribute it is drawn from, product by product.
    disagree = con.execute(
        """
        select count(*) from product_qa q join product_documents d
            on d.product_id = q.product_id and d.kind = 'attribute'
            and d.text not like 'brand:%' and d.text not like 'material:%' and d.text not like 'warranty:%'
        where q.question not like 'How long%'
            and (q.answer like 'Yes%') <> (d.text like '%: yes')
        """
    ).fetchone()[0]
    assert disagree == 0


def test_the_assistant_answers_a_demo_product_from_its_knowledge(assistant):
    con, _ = build_memory(10_000, seed=5)
    product_id, question, answer = con.execute(
        "select product_id, question, answer from product_qa where question not like 'How long%' "
        "order by product_id limit 1"
    ).fetchone()
    result = assistant.answer(product_id, question, product_knowledge(con, product_id))
    assert result.verdict == ("yes" if answer.startswith("Yes") else "no")
    warranty = assistant.answer(product_id, "How long is the warranty?", product_knowledge(con, product_id))
    assert "warranty" in warranty.answer and warranty.verdict == "unsure"
