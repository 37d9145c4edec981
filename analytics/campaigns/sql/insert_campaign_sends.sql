-- Append sends from the relation campaign_send_rows (the demo's own send log; imported logs go
-- through write_campaign_sends).
insert into campaign_sends by name
with
    incoming as (select * from campaign_send_rows),
    final as (select campaign_id, user_id, variant, sent_at, unsubscribed_at, import_id from incoming)
select * from final
