//! Signing in: the provider logins that identify an account, and the API's refresh tokens.

use crate::domain::UnixMillis;

/// An account at an OAuth provider: the provider's id (as configured, e.g. "github") and the
/// subject the provider knows the person by. One login belongs to at most one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Login {
    pub provider: String,
    pub subject: String,
}

impl Login {
    pub fn new(provider: impl Into<String>, subject: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            subject: subject.into(),
        }
    }

    /// `provider:subject`, the form `ADMINS` lists logins in.
    pub fn key(&self) -> String {
        format!("{}:{}", self.provider, self.subject)
    }
}

/// A refresh token as stored: only its hash, never the token itself. Each refresh replaces
/// the token with a new one of the same family; a token presented twice means it was stolen,
/// and the whole family is revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshToken {
    /// SHA-256 of the token, hex: a stolen database holds no usable token.
    pub hash: String,
    /// Every token descended from one sign-in shares its family.
    pub family: String,
    pub user_id: String,
    pub expires_at: UnixMillis,
    /// When the family's first token was issued (the sign-in): a family is refused after an
    /// absolute lifetime however fresh its chain.
    pub family_started_at: UnixMillis,
}

/// What presenting a refresh token found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redeemed {
    /// The token was good and is now used up; issue its successor.
    Fresh(RefreshToken),
    /// The token had been used before: its family is now revoked.
    Reused(RefreshToken),
    /// Unknown, expired or revoked.
    Invalid,
}
