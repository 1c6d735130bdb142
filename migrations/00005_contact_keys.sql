-- +goose Up
-- contact_keys remembers every identity a contact was imported under — its
-- external ID, e-mail addresses and mobile numbers, current or past — so that
-- a row from another CRM, or a re-import after a change, finds the same
-- contact instead of creating a second one. The first contact to claim a key
-- keeps it.
CREATE TABLE contact_keys (
    key        text PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts (id) ON DELETE CASCADE
);
CREATE INDEX contact_keys_contact_idx ON contact_keys (contact_id);

INSERT INTO contact_keys (key, contact_id)
SELECT k, id FROM (
    SELECT 'ext:' || external_id AS k, id FROM contacts WHERE external_id IS NOT NULL
    UNION ALL SELECT 'email:' || email, id FROM contacts WHERE email <> ''
    UNION ALL SELECT 'mobile:' || phone_e164, id FROM contacts
        WHERE phone_type IN ('mobile', 'fixed_line_or_mobile')
) keys ORDER BY id
ON CONFLICT DO NOTHING;

-- +goose Down
DROP TABLE contact_keys;
