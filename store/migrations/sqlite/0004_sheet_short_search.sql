-- Sheet music search for texts of 1 or 2 characters through an index. The trigram index
-- (0003) cannot find them, and reading every sheet's keys to count the matches took longer
-- than the rest of the search together. This FTS5 table holds, for each sheet, one token per
-- character and per pair of adjacent characters of its lower-cased keys, plus its category
-- and difficulty: the exact total of a short text, with or without filters, is then one
-- lookup of a few tokens.
--
-- Tokens are the text's UTF-8 bytes in hex behind a letter saying what they are (`g` a
-- character or pair, `c` the category, `d` the difficulty), so every character, quotes and
-- query syntax included, is an ordinary ASCII word to the `ascii` tokenizer and never an
-- operator. The keys are joined with a newline, which no key or search text contains, so a
-- pair across two keys holds a newline and is never looked up.

-- The tokens of each sheet, for the index to read (external content: stored nowhere else).
-- `substr` and `length` count characters; at the last one `substr(keys, n, 2)` is that
-- character alone, a repeated token that changes nothing.
CREATE VIEW sheet_gram_docs (search_id, grams) AS
SELECT search_id, (
        WITH RECURSIVE at (n) AS (
            SELECT 1 UNION ALL SELECT n + 1 FROM at WHERE n < length(keys)
        )
        SELECT group_concat('g' || hex(substr(keys, n, 1)) || ' g' || hex(substr(keys, n, 2)), ' ')
        FROM at
    ) || ' c' || hex(category) || ' d' || hex(difficulty)
FROM (
    SELECT search_id, title_key || char(10) || creator_key || char(10) || tags_key AS keys,
        category, difficulty
    FROM sheet_music
);

-- `detail = none`: which sheets hold a token is all a lookup needs, and it keeps the index
-- small (about 80 bytes a sheet).
CREATE VIRTUAL TABLE sheet_grams USING fts5(
    grams,
    content = 'sheet_gram_docs',
    content_rowid = 'search_id',
    tokenize = 'ascii',
    detail = none
);
INSERT INTO sheet_grams (sheet_grams) VALUES ('rebuild');

-- Kept in step by the database, in the writing statement's transaction, whoever writes.
-- A new sheet is indexed once it has its search_id, which sheet_search_insert (0003) sets
-- right after the insert: the one time search_id changes from NULL.
CREATE TRIGGER sheet_grams_insert AFTER UPDATE OF search_id ON sheet_music
WHEN old.search_id IS NULL BEGIN
    INSERT INTO sheet_grams (rowid, grams)
    SELECT search_id, grams FROM sheet_gram_docs WHERE search_id = new.search_id;
END;

-- An external-content index forgets a row by being told the tokens it indexed, which the
-- view still shows before the change.
CREATE TRIGGER sheet_grams_delete BEFORE DELETE ON sheet_music BEGIN
    INSERT INTO sheet_grams (sheet_grams, rowid, grams)
    SELECT 'delete', search_id, grams FROM sheet_gram_docs WHERE search_id = old.search_id;
END;

CREATE TRIGGER sheet_grams_update_before
BEFORE UPDATE OF title_key, creator_key, tags_key, category, difficulty ON sheet_music BEGIN
    INSERT INTO sheet_grams (sheet_grams, rowid, grams)
    SELECT 'delete', search_id, grams FROM sheet_gram_docs WHERE search_id = old.search_id;
END;

CREATE TRIGGER sheet_grams_update_after
AFTER UPDATE OF title_key, creator_key, tags_key, category, difficulty ON sheet_music BEGIN
    INSERT INTO sheet_grams (rowid, grams)
    SELECT search_id, grams FROM sheet_gram_docs WHERE search_id = new.search_id;
END;
