-- Questions asked through the assistant (the Assistant page, the `answer` command) since the last
-- `answer-questions` job: the server and read-only commands cannot write the warehouse, so they
-- are kept here until that job moves them into the warehouse's question_log.
create table asked_questions (
    ask_id       integer primary key autoincrement,
    asked_at     text not null,
    product_id   text not null,
    user_id      text,
    question     text not null,               -- personal data masked
    source       text not null check (source in ('command', 'page')),
    verdict      text,
    confidence   real,
    answered_by  text
);
