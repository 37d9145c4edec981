-- What customers of segment $segment_id (run $run_id) wrote in their better reviews: untrusted
-- text the copy writer may quote as data. Shortest first, so a prompt holds several.
with
    members as (select user_id from user_segments where run_id = $run_id and segment_id = $segment_id),
    reviews as (
        select trim(concat_ws('. ', nullif(trim(title), ''), nullif(trim(text), ''))) as text, rating
        from reviews
        where user_id in (select user_id from members) and rating >= 4
    ),
    final as (select text from reviews where length(text) between 20 and 300)
select text from final order by length(text), text limit $limit
