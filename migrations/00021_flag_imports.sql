-- +goose Up
-- The import that opened a flag and the import that closed it, so that
-- reverting an import puts the flags back as they were. Not foreign keys, for
-- the reason given in 00020: an import writes them for every row.
ALTER TABLE contact_flags ADD COLUMN import_id bigint;
ALTER TABLE contact_flags ADD COLUMN resolved_import_id bigint;

-- +goose Down
ALTER TABLE contact_flags DROP COLUMN resolved_import_id;
ALTER TABLE contact_flags DROP COLUMN import_id;
