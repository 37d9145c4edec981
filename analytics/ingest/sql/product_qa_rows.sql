-- ePQA / hetPQA evidence rows, typed: one row per candidate with its product, kind and readable
-- text. The asked question, labels and hand-written answers are not selected (evaluation data).
with
    source as (select *, rowid + 1 as data_row from raw_product_qa),
    attributes as (select * from ingest_pqa_attributes),
    cleaned as (
        select
            trim("ASIN") as product_id,
            nullif(trim(title), '') as title,
            lower(trim("source")) as source_kind,
            trim(candidate, E' \t\r\n') as candidate,
            $file || ' ' || coalesce('qa_pair_id ' || nullif(trim(qa_pair_id), ''), 'row ' || data_row) as source_ref,
            data_row
        from source
    ),
    final as (
        select
            product_id,
            title,
            case source_kind
                when 'cqa' then 'qa'
                when 'desc' then 'description'
                when 'osp' then 'description'
                else source_kind
            end as kind,
            coalesce(attributes.readable, candidate) as text,
            source_ref,
            data_row
        from cleaned
        left join attributes on cleaned.source_kind = 'attribute' and attributes.raw_text = cleaned.candidate
        where nullif(candidate, '') is not null
    )
select * from final
