-- +goose Up
-- Web sign-in: a slow password hash per user, server-side sessions and API
-- tokens. Sessions and tokens are stored as SHA-256 hashes of the secret the
-- browser or client holds, never as the secret itself.
ALTER TABLE users ADD COLUMN password_hash text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled_at timestamptz;

CREATE TABLE sessions (
    token_hash   text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text NOT NULL UNIQUE,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN password_hash;
