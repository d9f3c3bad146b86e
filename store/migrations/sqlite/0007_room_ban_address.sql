-- A room ban holds against the banned player's address and browser too, so signing out or
-- starting a new guest does not lift it. Both NULL on bans written before this.

ALTER TABLE room_bans ADD COLUMN address TEXT;
ALTER TABLE room_bans ADD COLUMN browser TEXT;
