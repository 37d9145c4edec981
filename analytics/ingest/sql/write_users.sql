-- Append staged users the warehouse does not have yet.
insert into users by name
with
    staged as (select * from stage_users),
    existing as (select user_id from users),
    final as (select staged.* from staged anti join existing using (user_id))
select * from final
