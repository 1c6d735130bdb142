-- +goose Up
-- suppressions lists addresses crier never sends to again on that channel.
CREATE TABLE suppressions (
    channel    text NOT NULL CHECK (channel IN ('email', 'sms')),
    address    text NOT NULL,
    reason     text NOT NULL,
    message_id bigint REFERENCES messages (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, address)
);

-- events keeps the raw evidence from providers: status callbacks, DSNs.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    provider    text NOT NULL,
    kind        text NOT NULL,
    message_id  bigint REFERENCES messages (id),
    payload     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_message_idx ON events (message_id);

-- +goose Down
DROP TABLE events;
DROP TABLE suppressions;
