-- Store the vectors of the registered frame new_vectors (text, vector); a text stored before keeps its row.
insert into evidence_vectors (text_hash, model, vector)
select sha256(text), $model, vector from new_vectors
on conflict do nothing
