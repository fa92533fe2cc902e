CREATE INDEX events_kind_idx ON events (kind, happened);

ALTER TABLE events ADD COLUMN source_id integer REFERENCES sources (id);
