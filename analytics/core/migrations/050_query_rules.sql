-- Rules that several page queries share, each defined once as a DuckDB macro: the sidebar
-- filters, which sessions a query reads, the funnel's step rules, the Reviews page's scope and
-- the latest segmentation run. The query files in analytics/*/sql call them with their bound
-- parameters; a macro is expanded into the calling query before it is planned, so a query runs
-- as if the rule were written inline (measured with bench.bench_conversion).
--
-- Why macros in a migration: they are stored in the warehouse file like the tables they read,
-- so published snapshots (copies of that file) carry them and read-only connections can call
-- them; every in-memory test warehouse runs the migrations too. A later change to a rule is a
-- new migration with `create or replace macro`. Macros are DuckDB's own: a port to another
-- engine expands them into the queries first.
--
-- Parameter names never equal a column name the body reads: DuckDB gives a macro's parameters
-- priority over columns, so `model = model` would compare the parameter with itself.

-- The shared filters of every chart: each list is null (all) or the values to keep.
create macro matches_filters(category, brand, traffic_source, device, categories, brands, traffic_sources, devices) as
    (categories is null or list_contains(categories, category))
    and (brands is null or list_contains(brands, brand))
    and (traffic_sources is null or list_contains(traffic_sources, traffic_source))
    and (devices is null or list_contains(devices, device));

-- Sessions dated first_day (inclusive) to end_day (exclusive) that pass the filters. With
-- whole_catalog (no product column filtered or broken down) the one-row-per-session mart is
-- read; otherwise the per-product-group mart, whose rows callers roll up when they count
-- sessions. The union all is guarded by that one condition, so only one side yields rows.
create macro filtered_sessions(first_day, end_day, categories, brands, traffic_sources, devices, whole_catalog) as table
    with
        chosen as (
            select * from mart_session_totals where whole_catalog
            union all
            select * from mart_session_steps where not whole_catalog
        )
    select *
    from chosen
    where day >= cast(first_day as date) and day < cast(end_day as date)
        and matches_filters(category, brand, traffic_source, device, categories, brands, traffic_sources, devices);

-- The funnel's step rules (docs/CONVERSION.md, Funnel), on filtered_sessions' rows: whether the
-- row reached each step (at_view, at_cart, at_purchase) and its (session, product) pairs and
-- purchases at each step under the options. across_sessions: each step within window_s seconds
-- of the previous one over the user's later sessions; any_order: within a session, steps in any
-- order; cart_optional: a view followed by a purchase converts.
create macro funnel_sessions(
    first_day, end_day, categories, brands, traffic_sources, devices, whole_catalog,
    across_sessions, window_s, any_order, cart_optional
) as table
    select
        *,
        has_view as at_view,
        case
            when across_sessions then coalesce(min_cart_lag_s <= window_s, false)
            when any_order then count_products_any_view_cart > 0
            else count_products_view_cart > 0
        end as at_cart,
        case
            when across_sessions and cart_optional then coalesce(min_purchase_lag_s <= window_s, false)
            when across_sessions then coalesce(min_cart_purchase_lag_s <= window_s, false)
            when any_order and cart_optional then count_products_any_view_purchase > 0
            when any_order then count_products_any_view_cart_purchase > 0
            when cart_optional then count_products_view_purchase > 0
            else count_products_view_cart_purchase > 0
        end as at_purchase,
        count_products_viewed as products_view,
        case when any_order then count_products_any_view_cart else count_products_view_cart end as products_cart,
        case
            when any_order and cart_optional then count_products_any_view_purchase
            when any_order then count_products_any_view_cart_purchase
            when cart_optional then count_products_view_purchase
            else count_products_view_cart_purchase
        end as products_purchase,
        case
            when any_order and cart_optional then count_purchases_any_view_purchase
            when any_order then count_purchases_any_view_cart_purchase
            when cart_optional then count_purchases_view_purchase
            else count_purchases_view_cart_purchase
        end as purchases
    from filtered_sessions(first_day, end_day, categories, brands, traffic_sources, devices, whole_catalog);

-- The Reviews page's scope: reviews scored by scoring_model, written from start_at (inclusive)
-- to end_at (exclusive), of the chosen categories and brands (traffic source and device do not
-- apply to reviews).
create macro reviews_in_scope(scoring_model, start_at, end_at, categories, brands) as table
    select *
    from scored_reviews
    where model = scoring_model
        and created_at >= start_at and created_at < end_at
        and matches_filters(category, brand, null, null, categories, brands, null, null);

-- The users of the latest complete segmentation run (the one pages show) with their segment
-- and its name (null when the run has no profile for it).
create macro latest_run_segments() as table
    with
        latest_run as (select max(run_id) as run_id from segment_runs where status = 'complete')
    select s.user_id, s.segment_id, p.name as segment_name
    from user_segments s
    join latest_run r on r.run_id = s.run_id
    left join segment_profiles p on p.run_id = s.run_id and p.segment_id = s.segment_id;

-- Reviews with words that scoring_model at scoring_version has not scored yet: what the sentiment
-- job scores and counts. A title that only restates the rating (star_title, a regular
-- expression matched case-insensitively) is no words.
create macro unscored_reviews(scoring_model, scoring_version, star_title) as table
    with
        scored as (
            select review_id from review_sentiment
            where model = scoring_model and model_version = scoring_version
        )
    select r.review_id, r.title, r.text
    from reviews r
    where (nullif(trim(r.text), '') is not null
            or (nullif(trim(r.title), '') is not null and not regexp_matches(r.title, star_title, 'i')))
        and not exists (select 1 from scored s where s.review_id = r.review_id);
