//! Expired refresh tokens are refused anyway; this removes their records now and then, so
//! the table does not grow with every refresh forever. MongoDB's TTL index on `expiresAt`
//! normally gets there first; the job is then a cheap no-op there, and still does the work on
//! MongoDB-compatible servers whose TTL monitor runs rarely or not at all.

use std::{sync::Arc, time::Duration};

use pianorhythm_engine::shutdown::Shutdown;
use pianorhythm_store::{now_millis, ports::RefreshTokens};

/// How often expired refresh tokens are removed.
const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Removes expired refresh tokens at start and then every [`PURGE_EVERY`], until `shutdown`.
pub fn spawn(tokens: Arc<dyn RefreshTokens>, shutdown: Shutdown) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PURGE_EVERY);
        while shutdown.run_until_cancelled(every.tick()).await.is_some() {
            match tokens.delete_expired(now_millis()).await {
                Ok(deleted) => tracing::debug!(deleted, "expired refresh tokens removed"),
                Err(error) => tracing::warn!(%error, "cannot remove expired refresh tokens"),
            }
        }
    });
}
