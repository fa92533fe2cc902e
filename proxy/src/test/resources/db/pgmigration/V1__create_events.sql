CREATE TABLE events (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb,
    happened timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sources (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE
);
