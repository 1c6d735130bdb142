-- +goose Up
-- soft_bounces counts temporary failures per address: one row per message, so
-- a DSN that arrives twice counts once. The outcome rules flag a contact when
-- its address has too many since the last good delivery.
CREATE TABLE soft_bounces (
    message_id  bigint PRIMARY KEY REFERENCES messages (id),
    channel     text NOT NULL CHECK (channel IN ('email', 'sms')),
    address     text NOT NULL,
    reason      text NOT NULL,
    bounced_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX soft_bounces_address_idx ON soft_bounces (channel, address, bounced_at);

-- A good delivery ends an address's run of soft bounces.
CREATE INDEX messages_delivered_address_idx ON messages (channel, address, updated_at)
    WHERE status = 'delivered';
-- Bounces that name no message are matched by recipient.
CREATE INDEX messages_sent_address_idx ON messages (channel, address, sent_at)
    WHERE sent_at IS NOT NULL;

-- digest identifies a piece of evidence (a DSN for one recipient, a webhook
-- event): the same bounce ingested twice is applied once.
ALTER TABLE events ADD COLUMN digest text;
CREATE UNIQUE INDEX events_digest_key ON events (digest) WHERE digest IS NOT NULL;

-- +goose Down
DROP INDEX events_digest_key;
ALTER TABLE events DROP COLUMN digest;
DROP INDEX messages_sent_address_idx;
DROP INDEX messages_delivered_address_idx;
DROP TABLE soft_bounces;
