-- Record a saved audience: its name, who saved it and when, its definition (JSON) and size.
insert into audiences (audience_id, name, created_at, created_by, definition, count_users)
values ($audience_id, $name, $created_at, $created_by, $definition, $count_users)
