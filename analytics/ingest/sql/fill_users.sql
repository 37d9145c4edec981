-- A known user seen earlier in this file gets the earlier first_seen; a missing country is filled.
update users
set
    first_seen = least(coalesce(users.first_seen, staged.first_seen), coalesce(staged.first_seen, users.first_seen)),
    country = coalesce(users.country, staged.country)
from stage_users as staged
where users.user_id = staged.user_id
    and ((staged.first_seen < users.first_seen) or (users.first_seen is null and staged.first_seen is not null)
        or (users.country is null and staged.country is not null))
