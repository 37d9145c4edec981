-- A send log's rows matched with what the warehouse holds: the campaign (by name or id), the
-- variant (by label or draft id), the user, the arm drawn for them and any send already stored.
create or replace temp table ingest_sends_resolved as
with
    sends as (select * from ingest_sends),
    plans as (select campaign_id, name, created_at, end_day from campaign_plans),
    variants as (select campaign_id, variant, draft_id from campaign_variants),
    users as (select user_id from users),
    assignments as (select campaign_id, user_id, arm from campaign_assignments),
    stored as (select campaign_id, user_id, variant, sent_at, unsubscribed_at from campaign_sends),
    matched as (
        select s.*, p.campaign_id, p.created_at as planned_at, p.end_day
        from sends s
        left join plans p on p.name = s.campaign or cast(p.campaign_id as varchar) = s.campaign
    ),
    final as (
        select m.*,
            v.variant as plan_variant,
            u.user_id is not null as is_known_user,
            a.arm,
            st.variant as stored_variant,
            st.sent_at as stored_sent_at,
            st.unsubscribed_at as stored_unsubscribed_at
        from matched m
        left join variants v
            on v.campaign_id = m.campaign_id and (v.variant = m.variant or cast(v.draft_id as varchar) = m.variant)
        left join users u on u.user_id = m.user_id
        left join assignments a on a.campaign_id = m.campaign_id and a.user_id = m.user_id
        left join stored st on st.campaign_id = m.campaign_id and st.user_id = m.user_id
    )
select * from final
