-- +goose Up
CREATE TABLE imports (
    id          bigserial PRIMARY KEY,
    file_name   text NOT NULL,
    layout      text NOT NULL,
    encoding    text NOT NULL,
    rows_in     integer NOT NULL DEFAULT 0,
    imported    integer NOT NULL DEFAULT 0,
    updated     integer NOT NULL DEFAULT 0,
    unchanged   integer NOT NULL DEFAULT 0,
    rejected    integer NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

-- import_rejects keeps every rejected row of an import with its reason
-- (rows in = imported + updated + unchanged + rejected).
CREATE TABLE import_rejects (
    import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_no    integer NOT NULL,
    line_no   integer NOT NULL,
    col       text NOT NULL DEFAULT '',
    reason    text NOT NULL,
    PRIMARY KEY (import_id, row_no)
);

CREATE TABLE contacts (
    id               bigserial PRIMARY KEY,
    owner_id         bigint REFERENCES users (id),
    external_id      text,
    first_name       text NOT NULL DEFAULT '',
    last_name        text NOT NULL DEFAULT '',
    company          text NOT NULL DEFAULT '',
    email_raw        text NOT NULL DEFAULT '',
    email            text NOT NULL DEFAULT '',
    email_suggestion text NOT NULL DEFAULT '',
    -- email_status: valid, typo (valid syntax, suspected provider typo),
    -- invalid, missing or bounced.
    email_status     text NOT NULL,
    phone_raw        text NOT NULL DEFAULT '',
    phone_e164       text NOT NULL DEFAULT '',
    phone_type       text NOT NULL,
    -- phone_status: valid, invalid, missing or undeliverable.
    phone_status     text NOT NULL,
    region           text NOT NULL DEFAULT '',
    consent_email    boolean NOT NULL DEFAULT true,
    consent_sms      boolean NOT NULL DEFAULT true,
    consent_source   text NOT NULL DEFAULT 'import',
    consent_at       timestamptz NOT NULL DEFAULT now(),
    tags             text[] NOT NULL DEFAULT '{}',
    import_id        bigint REFERENCES imports (id),
    -- fingerprint is a hash of the normalised fields: a re-import of the same
    -- row compares it and changes nothing.
    fingerprint      text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz
);
CREATE INDEX contacts_owner_idx ON contacts (owner_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX contacts_external_id_key ON contacts (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX contacts_email_idx ON contacts (email) WHERE email <> '';
CREATE INDEX contacts_phone_idx ON contacts (phone_e164) WHERE phone_e164 <> '';

CREATE TABLE contact_flags (
    id          bigserial PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    field       text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    -- source: import, email, sms, twilio_callback, user.
    source      text NOT NULL,
    message_id  bigint,
    opened_at   timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by bigint REFERENCES users (id)
);
-- One open flag of a kind per contact; history stays in the resolved rows.
CREATE UNIQUE INDEX contact_flags_open_key ON contact_flags (contact_id, kind) WHERE resolved_at IS NULL;

CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    actor_id   bigint REFERENCES users (id),
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  bigint,
    field      text NOT NULL DEFAULT '',
    old_value  text,
    new_value  text,
    at         timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE contact_flags;
DROP TABLE contacts;
DROP TABLE import_rejects;
DROP TABLE imports;
