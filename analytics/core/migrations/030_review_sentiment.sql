-- Review sentiment. Scores carry the model that produced them and its version, so
-- several models' scores live side by side and a retrained model's folder is scored afresh.
create table review_sentiment (
    review_id      varchar not null,
    model          varchar not null,            -- as named in settings or --model (folders: absolute path)
    model_version  varchar not null,            -- fingerprint of the weights (models.sentiment.model_version)
    score          double not null check (score between -1 and 1),   -- 0 is the decision boundary
    label          varchar not null check (label in ('negative', 'neutral', 'positive')),
    stars          double check (stars between 1 and 5),             -- 1-5 estimate where the model has one
    chunks         integer not null,            -- token windows the text was scored in (long reviews: several)
    scored_at      timestamp not null,
    primary key (review_id, model)
);

-- What each review talks about (models.aspects): one row per review and aspect it mentions, with
-- the sentiment of the sentences about that aspect.
create table review_aspects (
    review_id        varchar not null,
    model            varchar not null,          -- the sentiment model, as in review_sentiment
    aspect           varchar not null,          -- delivery, price_value, quality, size_fit, ...
    similarity       double not null,           -- best sentence's cosine similarity to the aspect
    score            double not null check (score between -1 and 1),
    label            varchar not null check (label in ('negative', 'neutral', 'positive')),
    embedding_model  varchar not null,
    primary key (review_id, model, aspect)
);

-- Models trained on the shop's own ratings (train-sentiment), with their held-out metrics.
create table sentiment_models (
    model         varchar primary key,          -- the saved folder (absolute path)
    base_model    varchar not null,
    trained_at    timestamp not null,
    count_train   integer not null,             -- rated reviews it learned from
    count_holdout integer not null,             -- rated reviews of held-out products it was measured on
    metrics       varchar not null              -- JSON: accuracy, balanced_accuracy, auc, ...
);
