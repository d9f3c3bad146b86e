-- Whom each member blocks. A guest's list lives in their session instead.

CREATE TABLE blocks (
    owner_id   TEXT NOT NULL,
    player_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (owner_id, player_id)
) STRICT;
