-- +goose Up
-- contact_keys.import_id is the import that gave a contact the key, so that
-- reverting the import takes the key back with the contact's data; and
-- contacts.created_import_id is the import that created the contact, which a
-- revert removes. Neither is a foreign key on purpose: an import writes them
-- for every row, a foreign key check per row doubled the cost of a bulk import,
-- and imports are never deleted.
ALTER TABLE contact_keys ADD COLUMN import_id bigint;
CREATE INDEX contact_keys_import_idx ON contact_keys (import_id) WHERE import_id IS NOT NULL;
ALTER TABLE contacts ADD COLUMN created_import_id bigint;
UPDATE contacts c SET created_import_id = ch.import_id
FROM import_changes ch WHERE ch.contact_id = c.id AND ch.action = 'inserted';

-- +goose Down
ALTER TABLE contacts DROP COLUMN created_import_id;
ALTER TABLE contact_keys DROP COLUMN import_id;
