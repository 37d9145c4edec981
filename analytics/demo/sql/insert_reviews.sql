-- Append the reviews of one demo chunk (Arrow table demo_chunk_reviews, integer ids).
with
    chunk as (select * from demo_chunk_reviews),
    final as (
        select
            'r' || lpad(cast(review_n as varchar), 8, '0') as review_id,
            'u' || lpad(cast(user_n as varchar), 8, '0') as user_id,
            product_id,
            'o' || lpad(cast(order_n as varchar), 9, '0') as order_id,
            rating,
            title,
            text,
            created_at,
            'en' as language,
            $import_id as import_id
        from chunk
    )
insert into reviews (review_id, user_id, product_id, order_id, rating, title, text, created_at, language, import_id)
select * from final
