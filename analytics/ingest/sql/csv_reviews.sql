-- Generic CSV -> reviews (ingest_csv holds the mapped columns under canonical names). A missing
-- review id is derived from the review's content, so a re-import finds the same review; a review
-- repeated verbatim is kept once (conflicting repeats were refused by validation).
with
    source as (select * from ingest_csv),
    typed as (
        select
            source_row,
            review_id as source_id,
            user_id,
            product_id,
            order_id,
            cast(cast(rating as double) as integer) as rating,
            title,
            text,
            created_at,
            language
        from source
    ),
    identified as (
        select
            *,
            $review_id_prefix || coalesce(source_id, 'row-' || left(sha256(concat_ws(chr(31), coalesce(product_id, ''),
                coalesce(user_id, ''), coalesce(rating::varchar, ''), coalesce(title, ''), coalesce(text, ''),
                coalesce(created_at::varchar, ''))), 24)) as review_id
        from typed
    ),
    final as (
        select review_id, user_id, product_id, order_id, rating, title, text, created_at, language
        from identified
        qualify row_number() over (partition by review_id order by source_row) = 1
    )
select * from final
