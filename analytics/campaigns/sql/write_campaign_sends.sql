-- Append the checked sends of a send log (ingest_sends_resolved) that are not stored yet, with
-- the variant as the plan names it; $import_id is the import's id.
insert into campaign_sends by name
with
    sends as (select * from ingest_sends_resolved where stored_variant is null),
    final as (
        select campaign_id, user_id, plan_variant as variant, sent_at, unsubscribed_at, $import_id as import_id
        from sends
    )
select * from final
