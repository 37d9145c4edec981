-- Rows a demo import has written so far (checks a checkpoint before resuming from it).
with
    final as (
        select
            (select count(*) from imports where import_id = $import_id) as count_imports,
            (select count(*) from events where import_id = $import_id) as count_events,
            (select count(*) from reviews where import_id = $import_id) as count_reviews,
            (select count(*) from searches where import_id = $import_id) as count_searches
    )
select * from final
