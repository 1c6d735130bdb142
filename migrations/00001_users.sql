-- +goose Up
CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    -- name_key is the name folded with Turkish case rules and single spaces, so
    -- that "ZEYNEP  KILIÇ" in an export finds "Zeynep Kılıç".
    name_key   text NOT NULL,
    email      text,
    role       text NOT NULL CHECK (role IN ('admin', 'marketing', 'supervisor', 'manager', 'operator')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_manager_name_key ON users (name_key) WHERE role = 'manager';

-- +goose Down
DROP TABLE users;
