-- A sheet's content read once into its timeline (pianorhythm_core::sheet_format::timeline),
-- so pages and downloads never read the source again. NULL for sheets stored before this
-- migration: the server computes theirs at their first read and writes it back.
ALTER TABLE sheet_music ADD COLUMN timeline BLOB;
