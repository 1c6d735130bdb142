-- +goose Up
-- contact_keys.import_id is the import that gave a contact the key, so that
-- reverting the import takes the key back with the contact's data.
ALTER TABLE contact_keys ADD COLUMN import_id bigint REFERENCES imports (id) ON DELETE SET NULL;
CREATE INDEX contact_keys_import_idx ON contact_keys (import_id) WHERE import_id IS NOT NULL;

-- +goose Down
ALTER TABLE contact_keys DROP COLUMN import_id;
