-- Amazon review JSON lines (McAuley format) -> reviews (English). The format has no review id:
-- it is derived from reviewer, product, time and text, which also folds the copies the 5-core
-- files repeat across style variants into one review (the first line wins). reviewerName is
-- personal data the product does not need and is not imported.
with
    source as (select * from raw_amazon),
    typed as (
        select
            nullif(trim(reviewerID), '') as user_id,
            trim(asin) as product_id,
            cast(cast(trim(overall) as double) as integer) as rating,
            nullif(trim(summary, E' \t\r\n'), '') as title,
            nullif(trim(reviewText, E' \t\r\n'), '') as text,
            cast(trim(unixReviewTime) as bigint) as unix_time,
            _line
        from source
    ),
    identified as (
        select
            *,
            'amazon-' || left(sha256(concat_ws(chr(31), coalesce(user_id, ''), product_id, unix_time::varchar,
                coalesce(text, ''))), 24) as review_id
        from typed
    ),
    final as (
        select review_id, user_id, product_id, rating, title, text,
            make_timestamp(unix_time * 1000000) as created_at, 'en' as language
        from identified
        qualify row_number() over (partition by review_id order by _line) = 1
    )
select * from final
