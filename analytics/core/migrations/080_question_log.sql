-- Every customer question the shop knows (docs/ASSISTANT.md, "What customers ask"): the earlier
-- Q&A rows of product_qa (which stay knowledge; a logged one points back with qa_id) and the
-- questions asked through the assistant, each with the assistant's latest answer. Question text
-- is stored with personal data masked. `answer-questions` fills it and answers what the current
-- assistant has not answered.

create table question_log (
    question_id  varchar primary key,      -- 'qa:' || qa_id for an earlier Q&A row; 'ask:' || a content hash otherwise
    product_id   varchar not null,
    user_id      varchar,                  -- the asking customer, when known
    question     varchar not null,         -- personal data masked
    asked_at     timestamp,                -- an earlier Q&A row: when it was imported
    source       varchar not null check (source in ('earlier_qa', 'command', 'page', 'demo')),
    qa_id        varchar,                  -- the product_qa row it came from: its own answer is never its evidence
    topic        varchar,                  -- analytics/assistant/topics.py
    verdict      varchar check (verdict in ('yes', 'no', 'unsure', 'unknown')),
    confidence   double,
    answered_by  varchar,                  -- the assistant that answered: embedding model and ranking version
    answered_at  timestamp
);
