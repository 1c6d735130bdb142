-- +goose Up
-- import_changes records what each import did to each contact, with the
-- contact as it was before an update, so that an import can be reverted.
CREATE TABLE import_changes (
    import_id  bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    action     text NOT NULL CHECK (action IN ('inserted', 'updated')),
    before     jsonb,
    PRIMARY KEY (import_id, contact_id)
);
ALTER TABLE imports ADD COLUMN reverted_at timestamptz;

-- +goose Down
ALTER TABLE imports DROP COLUMN reverted_at;
DROP TABLE import_changes;
