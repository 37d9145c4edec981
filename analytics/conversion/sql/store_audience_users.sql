-- Store the users of audience $audience_id (relation audience_batch: user_id).
insert into audience_users (audience_id, user_id)
select $audience_id, user_id from audience_batch
