-- +goose Up
-- quality_snapshots keeps one line per manager and day of the quality report,
-- so that supervisors can see the trend. The last snapshot of a day wins.
CREATE TABLE quality_snapshots (
    day          date NOT NULL,
    owner_id     bigint NOT NULL, -- 0: contacts without an owner
    contacts     integer NOT NULL,
    complete     integer NOT NULL,
    valid_email  integer NOT NULL,
    valid_mobile integer NOT NULL,
    open_flags   integer NOT NULL,
    score        numeric(5, 1) NOT NULL,
    taken_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, owner_id)
);

-- +goose Down
DROP TABLE quality_snapshots;
