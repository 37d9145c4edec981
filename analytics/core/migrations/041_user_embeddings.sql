-- Text embeddings for segmentation. Each distinct text is embedded once per model
-- and kept, so a rerun embeds only texts it has not seen; a user's embedding is the weighted
-- mean of their texts' embeddings and is recomputed only when their texts change.
-- No primary keys: these tables reach millions of rows and are written by delete + insert in
-- batches by the segmentation job, which keeps (model, text_hash) and (user_id, model) unique.
create table text_embeddings (
    model        varchar not null,          -- embedding_model setting that produced the vector
    text_hash    varchar not null,          -- md5 of the exact text
    embedding    float[] not null,          -- L2-normalised
    embedded_at  timestamp not null
);

create table user_embeddings (
    user_id      varchar not null,
    model        varchar not null,
    embedding    float[] not null,          -- weighted mean of the user's text vectors, L2-normalised
    count_texts  integer not null,          -- distinct texts pooled
    texts_hash   varchar not null,          -- fingerprint of (text, weight) pairs pooled; a change recomputes
    computed_at  timestamp not null
);
