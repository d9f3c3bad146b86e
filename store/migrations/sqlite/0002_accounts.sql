-- Accounts: provider logins, the API's refresh tokens, site bans, locations, and where an
-- audited action came from. Columns added here are NULL on rows written before it.

ALTER TABLE users ADD COLUMN location TEXT;
ALTER TABLE users ADD COLUMN banned_until INTEGER;   -- NULL when not banned from the site

ALTER TABLE audit_logs ADD COLUMN address TEXT;
ALTER TABLE audit_logs ADD COLUMN user_agent TEXT;

-- One login belongs to at most one account; an account may have several.
CREATE TABLE logins (
    provider TEXT NOT NULL,
    subject  TEXT NOT NULL,
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (provider, subject)
) STRICT, WITHOUT ROWID;
CREATE INDEX logins_by_user ON logins (user_id);

-- Only each token's hash is kept. A used token stays (used = 1) so that presenting it again
-- is recognised as reuse and revokes its family.
CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY NOT NULL,
    family     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
