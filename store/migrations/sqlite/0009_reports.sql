-- Players' reports about other players, why and by whom accounts were banned from the site,
-- and the audit log's filters for the staff pages.

CREATE TABLE reports (
    seq                INTEGER PRIMARY KEY,  -- insertion order: newest first is seq DESC
    id                 TEXT NOT NULL UNIQUE,
    at                 INTEGER NOT NULL,
    reporter_account   TEXT,
    reporter_guest     TEXT,
    reporter_address   TEXT NOT NULL,
    target_participant TEXT NOT NULL,
    target_account     TEXT,
    target_name        TEXT NOT NULL,
    room_id            TEXT,
    room_name          TEXT,
    reason             TEXT NOT NULL,
    chat               TEXT NOT NULL,        -- JSON array of the room's last chat lines
    status             TEXT NOT NULL,        -- 'open', 'resolved' or 'dismissed'
    handled_by         TEXT,
    handled_at         INTEGER
) STRICT;
CREATE INDEX reports_by_status ON reports (status, seq);

-- One row per banned account; whether it is banned is still users.banned_until.
CREATE TABLE site_bans (
    account_id   TEXT PRIMARY KEY NOT NULL,
    display_name TEXT NOT NULL,
    at           INTEGER NOT NULL,
    until        INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    banned_by    TEXT NOT NULL
) STRICT;
CREATE INDEX site_bans_by_until ON site_bans (until);

CREATE INDEX audit_by_action ON audit_logs (action, seq);
CREATE INDEX audit_by_actor ON audit_logs (actor_id, seq);
CREATE INDEX audit_by_target ON audit_logs (target_id, seq);
