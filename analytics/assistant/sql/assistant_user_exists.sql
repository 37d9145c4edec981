-- Whether the user id is known (advice for an unknown --user is refused by name).
select exists (select 1 from users where user_id = $user_id)
    or exists (select 1 from events where user_id = $user_id) as found
