-- The instrument a member last chose at the piano, kept with their other settings so the next
-- visit starts with it. All three NULL: the piano (and on rows written before this).

ALTER TABLE users ADD COLUMN instrument_bank INTEGER;
ALTER TABLE users ADD COLUMN instrument_program INTEGER;
ALTER TABLE users ADD COLUMN instrument_name TEXT;
