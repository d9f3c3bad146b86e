-- Direct messages between members; each member's conversations (the latest message and how
-- many of the other's messages are unread); and members' notifications (the newest 100 each).

CREATE TABLE direct_messages (
    id        TEXT PRIMARY KEY NOT NULL,  -- grows with time: pages go back by it
    low_id    TEXT NOT NULL,              -- the pair, the lower id first
    high_id   TEXT NOT NULL,
    sender    TEXT NOT NULL,
    recipient TEXT NOT NULL,
    text      TEXT NOT NULL,
    sent_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX direct_messages_by_pair ON direct_messages (low_id, high_id, id);

CREATE TABLE conversations (
    owner_id        TEXT NOT NULL,
    other_id        TEXT NOT NULL,
    last_message_id TEXT NOT NULL,
    unread          INTEGER NOT NULL,
    PRIMARY KEY (owner_id, other_id)
) STRICT;
CREATE INDEX conversations_by_latest ON conversations (owner_id, last_message_id);

CREATE TABLE notifications (
    id       TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    text     TEXT NOT NULL,
    link     TEXT NOT NULL,
    at       INTEGER NOT NULL,
    read     INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_by_owner ON notifications (owner_id, id);
