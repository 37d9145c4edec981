-- Sentence vectors of the assistant's evidence (docs/ASSISTANT.md), computed once when product
-- knowledge is imported so that answering embeds only the question. Keyed by the text's hash, not
-- by product or kind: a document, an earlier answer and a review with the same text share one
-- vector, and a changed text simply has no vector until the next import computes it.

create table evidence_vectors (
    text_hash  varchar not null,           -- sha256 (hex) of the text as product_knowledge returns it
    model      varchar not null,           -- the embedding_model setting that computed it
    vector     float[] not null,           -- L2-normalised
    primary key (text_hash, model)
);
