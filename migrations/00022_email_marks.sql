-- +goose Up
-- Marks on a valid address: a role mailbox (info@, satis@) or a throwaway-mailbox
-- domain. Not flags: the address works, but no person may read it for long.
ALTER TABLE contacts ADD COLUMN email_role boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ADD COLUMN email_disposable boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE contacts DROP COLUMN email_disposable;
ALTER TABLE contacts DROP COLUMN email_role;
