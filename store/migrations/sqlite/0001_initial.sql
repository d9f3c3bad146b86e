-- The embedded store's first schema. Migrations are embedded in the binary (sqlx::migrate!)
-- and applied at start-up; never edit one that has shipped, add the next instead.
-- Lower-cased `*_key` columns are computed by the server (pianorhythm_core::domain::match_key),
-- so case-insensitive means the same here as on MongoDB, Unicode included.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL,
    usertag       TEXT NOT NULL,
    usertag_key   TEXT NOT NULL UNIQUE,
    email         TEXT UNIQUE,           -- NULLs never collide: unique only when present
    roles         TEXT NOT NULL,         -- comma-separated role names
    color         TEXT NOT NULL,
    avatar_url    TEXT,
    bio           TEXT,
    theme         TEXT NOT NULL,
    notifications INTEGER NOT NULL,
    privacy       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE rooms (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL,
    type            TEXT NOT NULL,       -- 'public' or 'private'
    password        TEXT,
    max_players     INTEGER NOT NULL,
    who_can_play    INTEGER NOT NULL,    -- protocol PlayPermission value
    chat_enabled    INTEGER NOT NULL,
    welcome_message TEXT NOT NULL,
    note_rate       INTEGER NOT NULL,
    owner_id        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX rooms_by_name ON rooms (name_key);
CREATE INDEX rooms_by_type ON rooms (type);
CREATE INDEX rooms_by_created ON rooms (created_at DESC);

CREATE TABLE room_bans (
    room_id        TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL,
    until_ms       REAL NOT NULL,
    position       INTEGER NOT NULL,     -- bans come back in the order they were saved
    PRIMARY KEY (room_id, participant_id)
) STRICT, WITHOUT ROWID;

-- Chat of every room, the Lobby included (which has no row in `rooms`).
CREATE TABLE chat_messages (
    seq          INTEGER PRIMARY KEY,    -- insertion order
    room_id      TEXT NOT NULL,
    id           TEXT NOT NULL,
    sender_id    TEXT NOT NULL,
    sender_name  TEXT NOT NULL,
    sender_color TEXT NOT NULL,
    text         TEXT NOT NULL,
    time_ms      REAL NOT NULL
) STRICT;
CREATE INDEX chat_by_room ON chat_messages (room_id, seq);

CREATE TABLE sheet_music (
    id             TEXT PRIMARY KEY NOT NULL,
    title          TEXT NOT NULL,
    title_key      TEXT NOT NULL,
    creator_id     TEXT NOT NULL,
    creator_name   TEXT NOT NULL,
    creator_key    TEXT NOT NULL,
    tags           TEXT NOT NULL,        -- newline-separated, as entered
    tags_key       TEXT NOT NULL,        -- newline-separated, lower-cased
    category       TEXT NOT NULL,
    difficulty     TEXT NOT NULL,
    format         TEXT NOT NULL,
    content        BLOB NOT NULL,
    favorite_count INTEGER NOT NULL DEFAULT 0,
    download_count INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX sheets_by_created ON sheet_music (created_at DESC, id DESC);
CREATE INDEX sheets_by_category ON sheet_music (category, created_at DESC);
CREATE INDEX sheets_by_difficulty ON sheet_music (difficulty, created_at DESC);

CREATE TABLE sheet_favorites (
    user_id    TEXT NOT NULL,
    sheet_id   TEXT NOT NULL REFERENCES sheet_music (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, sheet_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX favorites_by_sheet ON sheet_favorites (sheet_id);

CREATE TABLE audit_logs (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    action    TEXT NOT NULL,
    actor_id  TEXT,
    room_id   TEXT,
    target_id TEXT,
    details   TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_room ON audit_logs (room_id, seq);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    data       BLOB NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
