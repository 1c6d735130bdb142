-- +goose Up
-- task_id is the asynq task that carries a queued message: a batch of messages
-- of one channel shares one task, whose ID is derived from their IDs. The
-- reconciler looks tasks up by it to find work a flushed Redis lost.
ALTER TABLE messages ADD COLUMN task_id text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN task_id;
