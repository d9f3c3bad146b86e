-- Sheet music search through an index: an FTS5 table with the trigram tokenizer over the
-- lower-cased keys the seed's search already matches (title_key, creator_key, tags_key), so a
-- text of 3 or more characters is found by its trigrams instead of by reading every sheet.
-- `case_sensitive 1`: the keys are lower-cased by the server (match_key), and folding them
-- again with SQLite's own rules could match what `instr` on the keys does not.

-- The sheet's row in `sheet_search`. Not the rowid: VACUUM may renumber the rowids of a table
-- without an INTEGER PRIMARY KEY, which would point the index at other sheets. A stored
-- column keeps its value.
ALTER TABLE sheet_music ADD COLUMN search_id INTEGER;
UPDATE sheet_music SET search_id = rowid;
CREATE UNIQUE INDEX sheets_by_search_id ON sheet_music (search_id);

-- External content: the text is stored once, in sheet_music; this holds only the index.
CREATE VIRTUAL TABLE sheet_search USING fts5(
    title_key,
    creator_key,
    tags_key,
    content = 'sheet_music',
    content_rowid = 'search_id',
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO sheet_search (sheet_search) VALUES ('rebuild');

-- Kept in step by the database, in the writing statement's transaction, whoever writes.
CREATE TRIGGER sheet_search_insert AFTER INSERT ON sheet_music BEGIN
    -- Writers take turns (SQLite has one at a time), so max + 1 is never handed out twice.
    UPDATE sheet_music
    SET search_id = (SELECT ifnull(max(search_id), 0) + 1 FROM sheet_music)
    WHERE rowid = new.rowid;
    INSERT INTO sheet_search (rowid, title_key, creator_key, tags_key)
    SELECT search_id, title_key, creator_key, tags_key FROM sheet_music WHERE rowid = new.rowid;
END;

-- An external-content index forgets a row by being told the values it indexed.
CREATE TRIGGER sheet_search_delete AFTER DELETE ON sheet_music BEGIN
    INSERT INTO sheet_search (sheet_search, rowid, title_key, creator_key, tags_key)
    VALUES ('delete', old.search_id, old.title_key, old.creator_key, old.tags_key);
END;

-- Only a change to the searched text re-indexes (not counters, not search_id's own setting).
CREATE TRIGGER sheet_search_update AFTER UPDATE OF title_key, creator_key, tags_key
ON sheet_music BEGIN
    INSERT INTO sheet_search (sheet_search, rowid, title_key, creator_key, tags_key)
    VALUES ('delete', old.search_id, old.title_key, old.creator_key, old.tags_key);
    INSERT INTO sheet_search (rowid, title_key, creator_key, tags_key)
    VALUES (new.search_id, new.title_key, new.creator_key, new.tags_key);
END;

-- Texts too short for a trigram (1 or 2 characters) are still found by reading every sheet's
-- keys. This index holds the keys in date order, so that read is of the keys alone, not of
-- whole sheets, and a page of the newest matches is read without looking a row up until it
-- is one. It begins like sheets_by_created, so it serves that index's queries too.
DROP INDEX sheets_by_created;
CREATE INDEX sheets_by_created_with_keys ON sheet_music (
    created_at DESC, id DESC, title_key, creator_key, tags_key, category, difficulty
);
