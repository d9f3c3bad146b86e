-- Friendships and friend requests, one row per pair of members (the lower id first), and when
-- each member was last connected.

CREATE TABLE friendships (
    low_id    TEXT NOT NULL,
    high_id   TEXT NOT NULL,
    requester TEXT NOT NULL,
    accepted  INTEGER NOT NULL,      -- 0: asked, 1: friends
    since     INTEGER NOT NULL,      -- when asked, or accepted once accepted
    PRIMARY KEY (low_id, high_id)
) STRICT;
CREATE INDEX friendships_by_high ON friendships (high_id);

CREATE TABLE last_seen (
    member_id TEXT PRIMARY KEY NOT NULL,
    at        INTEGER NOT NULL
) STRICT;
