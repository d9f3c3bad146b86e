-- Access tokens end with the session: each account has a token version that every access
-- token carries, bumped by sign-out, a role change and a site ban. Refresh families keep
-- when they began, for their absolute lifetime; tokens written before this count from their
-- own expiry. Expired refresh tokens are purged by time, hence the index.

ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

ALTER TABLE refresh_tokens ADD COLUMN family_started_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens SET family_started_at = expires_at;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
