-- What each user wrote and bought, as texts to embed with a weight each (analytics.features):
-- product texts (title, else category words and brand) weighted by interaction (purchase 3,
-- cart or wishlist 2, view 1), review title and text (2 each), search queries (1 each).
-- One row per (user, distinct text); text_hash is md5(text), the embedding cache key;
-- texts_hash fingerprints all of the user's (text, weight) pairs, so a user whose texts did
-- not change keeps the stored embedding.
with
    events as (
        select user_id, product_id, event_type from events where user_id is not null and product_id is not null
    ),
    products as (select product_id, title, category, brand from products),
    reviews as (select user_id, title, text from reviews where user_id is not null),
    searches as (select user_id, query from searches where user_id is not null),
    product_texts as (
        select
            product_id,
            trim(coalesce(
                nullif(trim(title), ''),
                concat_ws(' ', nullif(replace(replace(category, '.', ' '), '_', ' '), ''), nullif(brand, ''))
            )) as text
        from products
    ),
    product_weights as (
        select
            user_id,
            product_id,
            sum(case event_type when 'purchase' then 3 when 'cart' then 2 when 'wishlist' then 2 when 'view' then 1
                else 0 end) as weight
        from events
        group by user_id, product_id
    ),
    bought as (
        select product_weights.user_id, product_texts.text, product_weights.weight
        from product_weights
        join product_texts using (product_id)
        where product_weights.weight > 0
    ),
    written as (
        select user_id, trim(concat_ws('. ', nullif(trim(title), ''), nullif(trim(text), ''))) as text, 2 as weight
        from reviews
    ),
    searched as (select user_id, trim(query) as text, 1 as weight from searches),
    unioned as (
        select * from bought
        union all select * from written
        union all select * from searched
    ),
    grouped as (
        select user_id, text, md5(text) as text_hash, sum(weight) as weight
        from unioned
        where text is not null and text <> ''
        group by user_id, text
    ),
    final as (
        select
            *,
            md5(string_agg(text_hash || ':' || weight, ',' order by text_hash) over (partition by user_id))
                as texts_hash
        from grouped
    )
select * from final
