-- SAR-style recommendations (analytics.recommend.user_recommendations): for each user of
-- $user_ids (null: every known user), up to $k products ranked by affinity x item similarity,
-- filled up with the most bought products, never one the user already bought.
-- Only events before $as_of count (null: all), so the offline evaluation can train on the past.
with
    history_events as (
        select user_id, product_id, event_type, event_time
        from events
        where user_id is not null
            and product_id is not null
            and event_type in ('view', 'wishlist', 'cart', 'purchase')
            and ($as_of is null or event_time < $as_of)
    ),
    horizon as (select coalesce($as_of, max(event_time)) as as_of from history_events),
    -- How much each user cares for each product: stronger steps weigh more, older events fade
    -- with a half-life, so a taste from months ago counts less than last week's.
    affinity as materialized (
        select
            user_id,
            product_id,
            sum(
                case event_type
                    when 'purchase' then $purchase_weight
                    when 'cart' then $cart_weight
                    when 'wishlist' then $cart_weight
                    else $view_weight
                end
                * coalesce(pow(0.5, date_diff('second', event_time, horizon.as_of) / 86400.0 / $half_life_days), 1.0)
            ) as affinity,
            bool_or(event_type = 'purchase') as bought
        from history_events, horizon
        group by all
    ),
    -- Integer keys: the pair self-join groups tens of millions of rows, several times faster
    -- on integers than on text ids.
    item_keys as materialized (
        select product_id, row_number() over (order by product_id) as item
        from (select distinct product_id from affinity)
    ),
    user_keys as materialized (
        select user_id, row_number() over (order by user_id) as person
        from (select distinct user_id from affinity)
    ),
    -- A user's strongest products only: keeps the pair self-join linear in users, not quadratic
    -- in the history of the few users who viewed thousands of products.
    history as materialized (
        select user_keys.person, item_keys.item, affinity.affinity, affinity.bought
        from affinity
        join user_keys using (user_id)
        join item_keys using (product_id)
        qualify row_number() over (partition by affinity.user_id order by affinity.affinity desc, affinity.product_id)
            <= $max_history
    ),
    item_users as (select item, count(*) as users from history group by all),
    -- Items seen by fewer than $min_together users cannot reach the pair threshold: drop them
    -- before the self-join.
    pair_history as (
        select history.person, history.item
        from history
        join item_users using (item)
        where item_users.users >= $min_together
    ),
    half_pairs as materialized (
        select a.item, b.item as other, count(*) as together
        from pair_history as a
        join pair_history as b on a.person = b.person and a.item < b.item
        group by all
        having count(*) >= $min_together
    ),
    pairs as (
        select item, other, together from half_pairs
        union all
        select other as item, item as other, together from half_pairs
        -- SAR keeps the diagonal: a product the user looked at and did not buy is a candidate too.
        union all
        select item, item as other, users as together from item_users where users >= $min_together
    ),
    -- Cosine by default: shared users over the geometric mean of each item's users. Plain counts
    -- recommend bestsellers to everyone; Jaccard and lift favour rare items (docs/RECOMMEND.md).
    similarity as materialized (
        select
            pairs.item,
            pairs.other,
            case $similarity
                when 'cooccurrence' then pairs.together::double
                when 'jaccard' then pairs.together / (i.users + o.users - pairs.together)
                when 'lift' then pairs.together / (i.users * o.users)
                else pairs.together / sqrt(i.users * o.users)
            end as similarity
        from pairs
        join item_users as i on i.item = pairs.item
        join item_users as o on o.item = pairs.other
        qualify row_number() over (partition by pairs.item order by similarity desc, pairs.other) <= $max_neighbours
    ),
    known_users as (
        select user_id from users
        union
        select distinct user_id from history_events
    ),
    targets as materialized (
        select distinct user_id
        from (select unnest(coalesce($user_ids, []::varchar[])) as user_id)
        where $user_ids is not null
        union all
        select user_id from known_users where $user_ids is null
    ),
    bought as (select user_id, product_id from affinity where bought),
    target_keys as (select user_keys.* from user_keys where user_id in (select user_id from targets)),
    scored_keys as (
        select
            history.person,
            similarity.other,
            sum(history.affinity * similarity.similarity) as score,
            -- the history item that adds most to the score: the reason shown
            arg_max(history.item, history.affinity * similarity.similarity) as because
        from history
        join similarity on similarity.item = history.item
        where not $popular_only and history.person in (select person from target_keys)
        group by all
    ),
    -- Exclude what the user bought and keep the top $k while the keys are still integers.
    top_keys as (
        select scored_keys.*
        from scored_keys
        anti join (select person, item as other from history where bought) as bought using (person, other)
        qualify row_number() over (partition by person order by score desc, other) <= $k
    ),
    personal as (
        select
            target_keys.user_id,
            recommended.product_id,
            top_keys.score,
            because.product_id as because_product_id,
            'co-occurrence' as source,
            0 as source_order
        from top_keys
        join target_keys using (person)
        join item_keys as recommended on recommended.item = top_keys.other
        join item_keys as because on because.item = top_keys.because
    ),
    -- The fallback and the baseline: products bought by the most users.
    popular as (
        select product_id, count(distinct user_id)::double as score
        from history_events
        where event_type = 'purchase'
        group by all
        order by score desc, product_id
        limit $k + 50
    ),
    popular_for_user as (
        select
            candidates.*,
            null::varchar as because_product_id,
            'popular' as source,
            1 as source_order
        from (select targets.user_id, popular.product_id, popular.score from targets cross join popular) as candidates
        anti join bought using (user_id, product_id)
        anti join personal using (user_id, product_id)
    ),
    ranked as (
        select
            user_id,
            row_number() over (partition by user_id order by source_order, score desc, product_id) as rank,
            product_id,
            score,
            because_product_id,
            source
        from (
            select user_id, product_id, score, because_product_id, source, source_order from personal
            union all
            select user_id, product_id, score, because_product_id, source, source_order from popular_for_user
        )
        qualify rank <= $k
    ),
    final as (
        select
            ranked.user_id,
            ranked.rank,
            ranked.product_id,
            coalesce(product.title, ranked.product_id) as title,
            product.category,
            product.brand,
            product.price,
            ranked.score,
            ranked.source,
            ranked.because_product_id,
            coalesce(because.title, ranked.because_product_id) as because_title
        from ranked
        left join products as product on product.product_id = ranked.product_id
        left join products as because on because.product_id = ranked.because_product_id
    )
select * from final order by user_id, rank
