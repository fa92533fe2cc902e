INSERT INTO sources (name) VALUES ('web'), ('batch');

INSERT INTO events (kind, payload, happened, source_id)
VALUES ('signup', '{"user": "ada"}', '2024-03-01 10:00:00+00', 1),
       ('import', '{"rows": 12}', '2024-03-01 11:30:00+02', 2);
