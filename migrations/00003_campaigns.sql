-- +goose Up
CREATE TABLE campaigns (
    id          bigserial PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    definition  jsonb NOT NULL,
    status      text NOT NULL CHECK (status IN ('running', 'paused', 'finished', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    launched_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

-- messages is the send ledger: one row per (campaign, contact, channel). Redis only
-- carries work; this table decides whether a message may be sent.
CREATE TABLE messages (
    id           bigserial PRIMARY KEY,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id),
    contact_id   bigint NOT NULL REFERENCES contacts (id),
    owner_id     bigint REFERENCES users (id),
    channel      text NOT NULL CHECK (channel IN ('email', 'sms')),
    address      text NOT NULL DEFAULT '',
    status       text NOT NULL CHECK (status IN ('pending', 'queued', 'sending', 'sent',
                     'delivered', 'bounced', 'failed', 'skipped', 'unknown', 'cancelled')),
    skip_reason  text NOT NULL DEFAULT '',
    provider_id  text NOT NULL DEFAULT '',
    error_code   text NOT NULL DEFAULT '',
    error_detail text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    UNIQUE (campaign_id, contact_id, channel)
);
CREATE INDEX messages_active_idx ON messages (campaign_id, status)
    WHERE status IN ('pending', 'queued', 'sending');
CREATE INDEX messages_provider_idx ON messages (provider_id) WHERE provider_id <> '';

-- message_transition_ok is the ledger's state machine. A message moves forward
-- only. Two steps go back, and neither can send twice: sending -> queued is a
-- retry after a provider refused the message for now (nothing was sent), and
-- queued -> pending hands back work a paused campaign must not send yet.
CREATE FUNCTION message_transition_ok(old_status text, new_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_status = new_status OR (old_status, new_status) IN (
        ('pending', 'queued'), ('pending', 'sending'), ('pending', 'cancelled'),
        ('pending', 'skipped'), ('queued', 'pending'), ('queued', 'skipped'),
        ('queued', 'sending'), ('queued', 'cancelled'),
        ('sending', 'sent'), ('sending', 'delivered'), ('sending', 'bounced'),
        ('sending', 'failed'), ('sending', 'unknown'), ('sending', 'queued'),
        ('sent', 'delivered'), ('sent', 'bounced'), ('sent', 'failed'),
        ('unknown', 'sent'), ('unknown', 'delivered'), ('unknown', 'bounced'),
        ('unknown', 'failed'))
$$;

-- +goose StatementBegin
CREATE FUNCTION messages_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT message_transition_ok(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'message %: illegal transition % -> %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER messages_guard BEFORE UPDATE OF status ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_guard();

-- +goose Down
DROP TABLE messages;
DROP FUNCTION messages_guard();
DROP FUNCTION message_transition_ok(text, text);
DROP TABLE campaigns;
