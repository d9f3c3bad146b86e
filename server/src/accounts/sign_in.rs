//! Signing in and out: starting the OAuth flow, finishing it, choosing a usertag for a new
//! account, and the session changes each step makes.

use pianorhythm_core::domain::{
    audit::{AuditAction, AuditEntry},
    auth::Login,
    user::{self, NewUser, ProfileUpdate, Role, User},
};
use pianorhythm_store::StoreError;
use serde::{Deserialize, Serialize};
use tower_cookies::Cookies;
use tower_sessions::Session;

use super::{
    oauth::{self, CallbackParams, OAuthError, PendingAuthorization},
    service::ACCOUNT_KEY,
    Accounts, Caller, Provider,
};

use crate::{guest, service_error::ServiceError};

/// The session key of a provider login that has no account yet (waiting for a usertag).
const PENDING_ACCOUNT: &str = "new_account";
/// Where a first sign-in picks its usertag.
pub const WELCOME_PATH: &str = "/welcome";

/// A provider login on its way to becoming an account.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingAccount {
    /// The login's provider id.
    provider: String,
    /// Who the provider says signed in.
    subject: String,
    /// The name the provider knows the player by.
    display_name: Option<String>,
    /// The usertag to offer.
    suggested_usertag: Option<String>,
    /// The email the provider verified, for the new account.
    #[serde(default)]
    email: Option<String>,
    /// The page to go back to once the account exists.
    return_to: String,
}

impl Accounts {
    fn callback_url(&self, provider: &str) -> String {
        format!("{}/api/v1/auth/callback/{provider}", self.inner.public_url)
    }

    fn provider(&self, id: &str) -> Result<&Provider, ServiceError> {
        self.inner
            .providers
            .get(id)
            .ok_or_else(|| ServiceError::UnknownProvider(id.to_owned()))
    }

    /// Where to send the browser to sign in with `provider`; a cookie of its own (see
    /// `pending`) remembers the flow's state and PKCE verifier until the provider answers.
    pub fn start_sign_in(
        &self,
        cookies: &Cookies,
        provider: &str,
        return_to: Option<&str>,
    ) -> Result<String, ServiceError> {
        let provider = self.provider(provider)?;
        let return_to = local_path(return_to.unwrap_or("/"));
        let (url, pending) =
            oauth::authorize(provider, &self.callback_url(&provider.id), return_to)?;
        self.inner.pending.keep(cookies, pending, unix_seconds());
        Ok(url)
    }

    /// The provider's answer: signs an existing account in and returns where to go next, or
    /// keeps the login pending and sends the player to choose a usertag. The pending flow is
    /// taken out of its cookie first, so an answer (or a code) works once only.
    pub async fn finish_sign_in(
        &self,
        session: &Session,
        cookies: &Cookies,
        provider: &str,
        params: CallbackParams,
    ) -> Result<String, ServiceError> {
        let provider = self.provider(provider)?;
        let pending: PendingAuthorization = self
            .inner
            .pending
            .take(cookies, unix_seconds())
            .ok_or(OAuthError::NotPending)?;
        let return_to = pending.return_to.clone();
        let callback = self.callback_url(&provider.id);
        let found = oauth::finish(&self.inner.http, provider, &callback, pending, params).await?;
        match self.inner.users.by_login(&found.login).await {
            Ok(user) => {
                let user = self.promote_if_admin(user, &found.login).await?;
                let user = self.keep_email(user, found.verified_email).await;
                if user.is_banned(pianorhythm_store::now_millis()) {
                    return Err(ServiceError::Banned);
                }
                self.sign_session_in(session, &user).await?;
                Ok(return_to)
            }
            Err(StoreError::NotFound(_)) => {
                let pending = PendingAccount {
                    provider: found.login.provider,
                    subject: found.login.subject,
                    suggested_usertag: found.handle.as_deref().and_then(suggested_usertag),
                    display_name: found.display_name,
                    email: found.verified_email,
                    return_to,
                };
                session
                    .insert(PENDING_ACCOUNT, &pending)
                    .await
                    .map_err(session_error)?;
                Ok(WELCOME_PATH.to_owned())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The usertag to offer a first sign-in; `None` when no sign-in is waiting for one.
    pub async fn pending_usertag(&self, session: &Session) -> Option<String> {
        let pending: PendingAccount = session.get(PENDING_ACCOUNT).await.ok().flatten()?;
        Some(pending.suggested_usertag.unwrap_or_default())
    }

    /// Creates the account of the pending login with `usertag`, signs it in and returns the
    /// page the player came from. The guest's name, colour and rooms carry over.
    pub async fn create_account(
        &self,
        session: &Session,
        usertag: &str,
    ) -> Result<String, ServiceError> {
        let pending: PendingAccount = session
            .get(PENDING_ACCOUNT)
            .await
            .map_err(session_error)?
            .ok_or(ServiceError::NotSignedIn)?;
        let usertag =
            user::usertag(usertag).map_err(|invalid| ServiceError::field("usertag", invalid.0))?;
        let guest = guest::current(session).await;
        let username = guest
            .as_ref()
            .filter(|guest| guest.has_chosen_name())
            .map(|guest| guest.name.clone())
            .or_else(|| {
                let name = pending.display_name.as_deref()?;
                pianorhythm_core::validation::player_name(name).ok()
            })
            .unwrap_or_else(|| usertag.clone());
        let color = guest
            .as_ref()
            .map_or_else(|| guest::Guest::random().color, |guest| guest.color.clone());
        let login = Login::new(&pending.provider, &pending.subject);
        let new_user = NewUser {
            username,
            usertag,
            email: pending.email.clone(),
            color,
        };
        let created = match self
            .inner
            .users
            .create_with_login(new_user.clone(), &login)
            .await
        {
            // An address another account has already: this one goes without it (an email never
            // joins accounts).
            Err(StoreError::Conflict { what: "email" }) => {
                let without = NewUser {
                    email: None,
                    ..new_user
                };
                self.inner.users.create_with_login(without, &login).await
            }
            created => created,
        };
        let user = match created {
            Ok(user) => user,
            // Created meanwhile (a second tab): that account it is.
            Err(StoreError::Conflict { what: "login" }) => {
                self.inner.users.by_login(&login).await?
            }
            Err(StoreError::Conflict { what: "usertag" }) => {
                return Err(ServiceError::field("usertag", "that usertag is taken"))
            }
            Err(error) => return Err(error.into()),
        };
        let user = self.promote_if_admin(user, &login).await?;
        session
            .remove::<PendingAccount>(PENDING_ACCOUNT)
            .await
            .map_err(session_error)?;
        self.sign_session_in(session, &user).await?;
        Ok(pending.return_to)
    }

    /// A member without an email takes the one their provider verified now, unless another
    /// account has it; a failure keeps the account as it was (logged).
    async fn keep_email(&self, user: User, verified: Option<String>) -> User {
        let (None, Some(email)) = (&user.email, verified) else {
            return user;
        };
        let update = ProfileUpdate {
            email: Some(Some(email)),
            ..ProfileUpdate::default()
        };
        match self.inner.users.update(&user.id, update).await {
            Ok(updated) => updated,
            Err(StoreError::Conflict { .. }) => user,
            Err(error) => {
                tracing::warn!(%error, "cannot keep a member's verified email");
                user
            }
        }
    }

    /// Ends the session (a new id, nothing kept but the browser's guest) and every API token
    /// of the account, on every device: its refresh tokens are revoked and its token version
    /// bumped, which ends its access tokens at once. Tokens are not tied to a device, so
    /// signing out anywhere is the one way to end a stolen one. Other signed-in browser
    /// sessions stay.
    pub async fn sign_out(&self, session: &Session, caller: &Caller) -> Result<(), ServiceError> {
        if let Some(user) = caller.identity.user() {
            self.end_tokens(&user.id).await?;
        }
        // The browser stays the guest it was (under a new session id): it is the same player
        // signed out, and a room ban on the account still holds for it.
        let guest = guest::current(session).await;
        session.flush().await.map_err(session_error)?;
        if let Some(guest) = guest {
            guest::save(session, &guest).await.map_err(session_error)?;
        }
        Ok(())
    }

    /// Puts the account in the session under a new session id, so an id learnt before
    /// signing in is worth nothing after. Rooms the session's guest owned pass to the account.
    async fn sign_session_in(&self, session: &Session, user: &User) -> Result<(), ServiceError> {
        let guest = guest::current(session).await;
        session.cycle_id().await.map_err(session_error)?;
        session
            .insert(ACCOUNT_KEY, &user.id)
            .await
            .map_err(session_error)?;
        session
            .insert(guest::REMEMBER_KEY, true)
            .await
            .map_err(session_error)?;
        if let Some(guest) = guest {
            self.inner
                .rooms
                .transfer_ownership(&guest.id, &user.id)
                .await;
        }
        tracing::info!(user = %user.id, "signed in");
        // Staff see sign-ins beside what accounts did; the provider's callback carries no
        // caller, so the entry names the account only.
        let entry = AuditEntry {
            at: pianorhythm_store::now_millis(),
            action: AuditAction::SignedIn,
            actor_id: Some(user.id.clone()),
            room_id: None,
            target_id: Some(user.id.clone()),
            details: user.usertag.clone(),
            address: None,
            user_agent: None,
        };
        Ok(self.inner.audit.append(&entry).await?)
    }

    /// Makes a login listed in `ADMINS` an admin, once.
    async fn promote_if_admin(&self, user: User, login: &Login) -> Result<User, ServiceError> {
        if !self.inner.admins.contains(&login.key()) || user.roles.contains(&Role::Admin) {
            return Ok(user);
        }
        let mut roles = user.roles.clone();
        roles.push(Role::Admin);
        let update = ProfileUpdate {
            roles: Some(roles),
            ..Default::default()
        };
        Ok(self.inner.users.update(&user.id, update).await?)
    }
}

pub(super) fn session_error(error: tower_sessions::session::Error) -> ServiceError {
    ServiceError::unavailable(format_args!("the session could not be kept: {error}"))
}

/// `path` if it is a path on this site, else the home page: a sign-in never ends on a page
/// elsewhere (no open redirect through `return_to`).
pub fn local_path(path: &str) -> String {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control() || c == '\\');
    if local {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// A usertag made of a provider's handle: its allowed characters, if enough remain.
fn suggested_usertag(handle: &str) -> Option<String> {
    let tag: String = handle
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .take(user::MAX_USERTAG_CHARS)
        .collect();
    user::usertag(&tag).ok()
}

/// Now, in Unix seconds, for the pending sign-in's expiry.
fn unix_seconds() -> i64 {
    pianorhythm_store::now_millis() / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path("/room/Jazz%20Bar"), "/room/Jazz%20Bar");
        for elsewhere in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(elsewhere), "/", "{elsewhere:?}");
        }
    }

    #[test]
    fn usertags_are_suggested_from_handles() {
        assert_eq!(suggested_usertag("octo cat!").as_deref(), Some("octocat"));
        assert_eq!(suggested_usertag("Zoë"), None);
        assert_eq!(suggested_usertag(&"a".repeat(40)).unwrap().len(), 32);
    }
}
