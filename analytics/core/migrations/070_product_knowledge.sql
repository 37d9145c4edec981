-- Product knowledge the shopping assistant answers from (docs/ASSISTANT.md): the catalog's own
-- text about each product and the questions customers asked before, with the shop's answers.
-- Reviews stay in `reviews`; `product_knowledge` is the one place that reads all three.

create table product_documents (
    document_id  varchar primary key,      -- derived from product, kind and text: the same line twice is one row
    product_id   varchar not null,
    kind         varchar not null check (kind in ('title', 'description', 'bullet', 'attribute')),
    text         varchar not null,         -- attributes readable ("unit count: 1"), not the export's syntax
    source_ref   varchar,                  -- where it came from (file and row id), shown with the evidence
    import_id    integer
);

create table product_qa (
    qa_id       varchar primary key,       -- derived from product, question and answer
    product_id  varchar not null,
    question    varchar,                   -- the earlier customer question, when the source kept it
    answer      varchar not null,
    source_ref  varchar,
    import_id   integer
);

-- Everything the assistant may cite about a product, one row per piece of evidence. kind is
-- title, description, bullet, attribute, qa (an earlier answer) or review.
create view product_knowledge as
with
    documents as (
        select product_id, kind, text, coalesce(source_ref, document_id) as ref
        from product_documents
    ),
    answers as (
        select product_id, 'qa' as kind,
            answer || coalesce(' (asked: ' || question || ')', '') as text,
            coalesce(source_ref, qa_id) as ref
        from product_qa
    ),
    customer_reviews as (
        select product_id, 'review' as kind, concat_ws('. ', nullif(title, ''), text) as text, review_id as ref
        from reviews
        where product_id is not null and nullif(trim(text), '') is not null
    ),
    final as (
        select * from documents
        union all select * from answers
        union all select * from customer_reviews
    )
select * from final;
