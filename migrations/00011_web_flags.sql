-- +goose Up
-- resolution says how a person closed a flag: fixed, customer_left,
-- no_email_available, not_a_real_bounce; empty for flags an import or a
-- bounce closed.
ALTER TABLE contact_flags ADD COLUMN resolution text NOT NULL DEFAULT '';
CREATE INDEX contact_flags_open_idx ON contact_flags (opened_at, id) WHERE resolved_at IS NULL;
CREATE INDEX contact_flags_resolved_idx ON contact_flags (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

-- +goose Down
DROP INDEX audit_log_entity_idx;
DROP INDEX audit_log_at_idx;
DROP INDEX contact_flags_resolved_idx;
DROP INDEX contact_flags_open_idx;
ALTER TABLE contact_flags DROP COLUMN resolution;
