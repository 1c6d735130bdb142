-- +goose Up
-- Planning writes one message row per contact and channel, 200,000 rows for
-- 100,000 contacts. Checking the three foreign keys of each row took 60% of
-- that time (1.06 s of 1.7 s per channel on 100,000 contacts) and took a lock
-- on every contact row. The rows are only ever written by the plan statement,
-- from contacts, users and the campaign it reads in the same statement, and
-- crier never deletes a contact, a user or a campaign (contacts are marked
-- deleted), so the checks guard against nothing that can happen.
ALTER TABLE messages DROP CONSTRAINT messages_campaign_id_fkey,
    DROP CONSTRAINT messages_contact_id_fkey,
    DROP CONSTRAINT messages_owner_id_fkey;

-- send_at holds a scheduled campaign: its messages are planned at launch and
-- the relay queues them from send_at on. NULL sends at once.
ALTER TABLE campaigns ADD COLUMN send_at timestamptz;

-- +goose Down
ALTER TABLE campaigns DROP COLUMN send_at;
ALTER TABLE messages ADD CONSTRAINT messages_campaign_id_fkey
        FOREIGN KEY (campaign_id) REFERENCES campaigns (id),
    ADD CONSTRAINT messages_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id),
    ADD CONSTRAINT messages_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id);
