//! [`Accounts`]: the one service behind the account pages, their server functions, the REST
//! API and the WebSocket. Each asks it who the caller is and what they may do.

use std::{collections::HashSet, io, net::IpAddr, path::PathBuf, sync::Arc, time::Duration};

use axum::http::{header, HeaderMap};
use pianorhythm_core::domain::{
    auth::Redeemed,
    user::{ProfileUpdate, Role, User},
    UnixMillis,
};
use pianorhythm_store::{
    ids, now_millis,
    ports::{AuditLog, FriendStore, RefreshTokens, SiteBans, UserStore},
    Store, StoreError,
};
use serde::Serialize;
use tower_sessions::Session;

use super::{
    keys,
    pending::PendingCookie,
    tokens::{self, family_over, refresh_hash, Lifetimes, TokenIssuer},
    Caller, Identity, Providers,
};
use pianorhythm_engine::{
    clock,
    live::LiveConnections,
    policy::{self, Action},
    rooms::Registry,
};

use crate::{guest, service_error::ServiceError};

/// The session key holding the signed-in account's id.
pub(super) const ACCOUNT_KEY: &str = "account";

/// The id of the account `session` is signed in to, as the session says (nothing is read: the
/// account may be gone or banned since).
pub async fn signed_in_account(session: &Session) -> Option<String> {
    session.get::<String>(ACCOUNT_KEY).await.ok().flatten()
}

/// What the accounts service is configured with.
#[derive(Clone, Debug)]
pub struct AccountsConfig {
    /// `OAUTH_*`: the providers to offer.
    pub providers: Providers,
    /// `PUBLIC_URL`: how browsers reach this site; callbacks and token issuers are built on
    /// it. Unset, it is `http://` and the address the server listens on.
    pub public_url: Option<String>,
    /// `ADMINS`: logins (`provider:subject`) that are made admins when they sign in.
    pub admins: HashSet<String>,
    /// `AVATAR_HOSTS`: where avatars may come from (https only).
    pub avatar_hosts: Vec<String>,
    /// `JWT_PRIVATE_KEY`: the token signing key, PEM; generated under `key_dir` when unset.
    pub jwt_private_key: Option<String>,
    /// Where a generated signing key is kept (`DATA_DIR`).
    pub key_dir: PathBuf,
    /// How long an access token is good for.
    pub access_ttl: Duration,
    /// How long a refresh token is good for, if unused.
    pub refresh_ttl: Duration,
    /// `REFRESH_FAMILY_MAX_AGE_DAYS`: how long a sign-in's refresh family lives, however
    /// often it is refreshed.
    pub family_lifetime: Duration,
    /// `COOKIE_SECURE`: the pending sign-in's cookie is Secure and `__Host-` prefixed too.
    pub cookie_secure: bool,
}

/// An access token with the refresh token that renews it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenPair {
    /// The JWT to send as `Authorization: Bearer`.
    pub access_token: String,
    /// Trades for the next pair, once.
    pub refresh_token: String,
    /// Seconds the access token is good for.
    pub expires_in: u64,
    /// Always "Bearer", as OAuth clients expect.
    pub token_type: &'static str,
}

/// Cheap to clone: every handler and connection holds one.
#[derive(Clone)]
pub struct Accounts {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    /// Accounts and their provider logins.
    pub users: Arc<dyn UserStore>,
    /// The API's refresh tokens, by family.
    pub refresh_tokens: Arc<dyn RefreshTokens>,
    /// Where staff actions on accounts, and sign-ins, are recorded.
    pub audit: Arc<dyn AuditLog>,
    /// Why and by whom accounts were banned from the site.
    pub site_bans: Arc<dyn SiteBans>,
    /// Friendships: a profile kept for friends is shown to them.
    pub friends: Arc<dyn FriendStore>,
    /// Signs and checks access tokens.
    pub issuer: TokenIssuer,
    /// Who players may sign in with.
    pub providers: Providers,
    /// Logins (`provider:subject`) made admins when they sign in.
    pub admins: HashSet<String>,
    /// Where avatars may come from: others are neither kept nor shown.
    pub avatar_hosts: Arc<[String]>,
    /// This site's address, without a trailing slash: callbacks are built on it.
    pub public_url: String,
    /// Talks to the OAuth providers; never follows redirects (no SSRF through them).
    pub http: reqwest::Client,
    /// Rooms a guest owned pass to their account when they sign in.
    pub rooms: Arc<Registry>,
    /// Open connections: a site-banned account's are ended at once.
    pub live: Arc<LiveConnections>,
    /// Where a sign-in waits for the provider's answer.
    pub pending: PendingCookie,
}

impl Accounts {
    /// The service for a server reached at `public_url`.
    pub fn new(
        config: &AccountsConfig,
        public_url: String,
        store: &Store,
        rooms: Arc<Registry>,
        live: Arc<LiveConnections>,
    ) -> io::Result<Self> {
        let key = keys::load_or_create(config.jwt_private_key.as_deref(), &config.key_dir)?;
        let public_url = public_url.trim_end_matches('/').to_owned();
        let lifetimes = Lifetimes {
            access: config.access_ttl,
            refresh: config.refresh_ttl,
            family: config.family_lifetime,
        };
        let issuer =
            TokenIssuer::new(&key, public_url.clone(), lifetimes).map_err(io::Error::other)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent("PianoRhythm")
            .build()
            .map_err(io::Error::other)?;
        Ok(Self {
            inner: Arc::new(Inner {
                users: store.users.clone(),
                refresh_tokens: store.refresh_tokens.clone(),
                audit: store.audit.clone(),
                site_bans: store.site_bans.clone(),
                friends: store.friends.clone(),
                issuer,
                providers: config.providers.clone(),
                admins: config.admins.clone(),
                avatar_hosts: config.avatar_hosts.clone().into(),
                public_url,
                http,
                rooms,
                live,
                pending: PendingCookie::new(key.as_bytes(), config.cookie_secure),
            }),
        })
    }

    /// The sign-in buttons to show, one per configured provider.
    pub fn provider_buttons(&self) -> Vec<pianorhythm_api::account::ProviderButton> {
        self.inner
            .providers
            .iter()
            .map(|provider| pianorhythm_api::account::ProviderButton {
                id: provider.id.clone(),
                label: provider.label.clone(),
            })
            .collect()
    }

    /// The public key that checks our access tokens, as a JWKS.
    pub fn jwks(&self) -> jsonwebtoken::jwk::JwkSet {
        self.inner.issuer.jwks()
    }

    /// A room ticket for `player` into `room`, and how many seconds it is good for.
    pub fn room_ticket(&self, player: &str, room: &str, proof: Option<String>) -> (String, u64) {
        let now_secs = u64::try_from(now_millis() / 1000).unwrap_or_default();
        let ticket = self.inner.issuer.room_ticket(player, room, proof, now_secs);
        (ticket, tokens::TICKET_LIFETIME.as_secs())
    }

    /// What a room ticket says, if this site signed it and it is in date.
    pub fn check_room_ticket(&self, ticket: &str) -> Result<tokens::TicketClaims, ServiceError> {
        self.inner
            .issuer
            .verify_room_ticket(ticket)
            .map_err(|_| ServiceError::InvalidTicket)
    }

    /// Who the session belongs to: its account, else its guest (made on first use).
    pub async fn identity(&self, session: &Session) -> Result<Identity, ServiceError> {
        let Some(id) = signed_in_account(session).await else {
            return Ok(Identity::Guest(
                guest::from_session(session, clock::today()).await,
            ));
        };
        match self.inner.users.get(&id).await {
            Ok(user) if user.is_banned(now_millis()) => Err(ServiceError::Banned),
            Ok(user) => Ok(Identity::Member(Box::new(user))),
            // The account is gone: the session is a guest's again.
            Err(StoreError::NotFound(_)) => {
                let _ = session.remove::<String>(ACCOUNT_KEY).await;
                Ok(Identity::Guest(
                    guest::from_session(session, clock::today()).await,
                ))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The account an access token names, if the token is ours, unexpired, of the account's
    /// current token version (not ended by a sign-out, role change or ban since), and the
    /// account is still there and not banned.
    pub async fn account_from_token(&self, token: &str) -> Result<User, ServiceError> {
        let claims = self.inner.issuer.verify(token)?;
        let user = match self.inner.users.get(&claims.sub).await {
            Err(StoreError::NotFound(_)) => return Err(ServiceError::InvalidToken),
            found => found?,
        };
        if claims.ver != user.token_version {
            return Err(ServiceError::InvalidToken);
        }
        if user.is_banned(now_millis()) {
            return Err(ServiceError::Banned);
        }
        Ok(user)
    }

    /// Whether an `Authorization` header, if sent, carries a token of ours that is in date
    /// (the account itself is checked where the caller is needed).
    pub fn check_token_header(&self, headers: &HeaderMap) -> Result<(), ServiceError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(());
        };
        let token = bearer_token(value).ok_or(ServiceError::InvalidToken)?;
        self.inner.issuer.verify(token)?;
        Ok(())
    }

    /// The caller of a request: the bearer token's account when an `Authorization` header
    /// is sent (a bad one is refused, never taken for a guest), else the session's identity.
    pub async fn caller(
        &self,
        headers: &HeaderMap,
        session: &Session,
        address: IpAddr,
    ) -> Result<Caller, ServiceError> {
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|agent| agent.chars().take(300).collect());
        let (identity, by_token) = match headers.get(header::AUTHORIZATION) {
            Some(value) => {
                let token = bearer_token(value).ok_or(ServiceError::InvalidToken)?;
                let user = self.account_from_token(token).await?;
                (Identity::Member(Box::new(user)), true)
            }
            None => (self.identity(session).await?, false),
        };
        Ok(Caller {
            identity,
            address,
            user_agent,
            by_token,
        })
    }

    /// Whether the caller may do `action`, asked before a request's body is read (an
    /// upload): a visitor with neither an account nor a token is refused as a guest without
    /// being given a guest identity for it.
    pub async fn may(
        &self,
        headers: &HeaderMap,
        session: &Session,
        address: IpAddr,
        action: Action,
    ) -> Result<(), ServiceError> {
        let signed_in = headers.contains_key(header::AUTHORIZATION)
            || signed_in_account(session).await.is_some();
        let role = match signed_in {
            true => self.caller(headers, session, address).await?.role(),
            false => Role::Guest,
        };
        Ok(policy::require(role, action)?)
    }

    /// The caller's account, if they may do `action`.
    pub fn member<'a>(&self, caller: &'a Caller, action: Action) -> Result<&'a User, ServiceError> {
        policy::require(caller.role(), action)?;
        caller.identity.user().ok_or(ServiceError::NotSignedIn)
    }

    /// A new token pair for the signed-in session's account (a new family).
    pub async fn issue_tokens(&self, caller: &Caller) -> Result<TokenPair, ServiceError> {
        let user = self.member(caller, Action::UseApiTokens)?;
        if caller.by_token {
            // Tokens come from a signed-in browser session; a token cannot breed more.
            return Err(ServiceError::NotSignedIn);
        }
        self.token_pair(user, &ids::new_id(), now_millis()).await
    }

    /// Trades a refresh token for a new pair. Each refresh token works once: presenting one
    /// again revokes its whole family, since one of the two presenters stole it. A family
    /// past its absolute lifetime is refused however fresh the token.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPair, ServiceError> {
        let hash = refresh_hash(refresh_token.trim());
        let now = now_millis();
        match self.inner.refresh_tokens.redeem(&hash, now).await? {
            Redeemed::Fresh(token) => {
                let lifetime = self.inner.issuer.family_lifetime;
                if family_over(token.family_started_at, now, lifetime) {
                    return Err(ServiceError::InvalidRefreshToken);
                }
                let user = match self.inner.users.get(&token.user_id).await {
                    Err(StoreError::NotFound(_)) => return Err(ServiceError::InvalidRefreshToken),
                    found => found?,
                };
                if user.is_banned(now_millis()) {
                    return Err(ServiceError::Banned);
                }
                self.token_pair(&user, &token.family, token.family_started_at)
                    .await
            }
            Redeemed::Reused(token) => {
                tracing::warn!(user = %token.user_id, "a used refresh token came back; its family is revoked");
                Err(ServiceError::InvalidRefreshToken)
            }
            Redeemed::Invalid => Err(ServiceError::InvalidRefreshToken),
        }
    }

    /// Ends every API token of the account: its access tokens (the token version moves on)
    /// and its refresh tokens.
    pub(super) async fn end_tokens(&self, user_id: &str) -> Result<(), ServiceError> {
        let update = ProfileUpdate {
            end_tokens: true,
            ..Default::default()
        };
        self.inner.users.update(user_id, update).await?;
        self.inner.refresh_tokens.revoke_user(user_id).await?;
        Ok(())
    }

    async fn token_pair(
        &self,
        user: &User,
        family: &str,
        family_started_at: UnixMillis,
    ) -> Result<TokenPair, ServiceError> {
        let issuer = &self.inner.issuer;
        let now = now_millis();
        let (refresh_token, record) =
            issuer.refresh_token(&user.id, family, family_started_at, now);
        self.inner.refresh_tokens.insert(&record).await?;
        let now_secs = (now / 1000) as u64;
        Ok(TokenPair {
            access_token: issuer.access_token(user, now_secs),
            refresh_token,
            expires_in: issuer.access_ttl.as_secs(),
            token_type: "Bearer",
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(value: &axum::http::HeaderValue) -> Option<&str> {
    let token = value.to_str().ok()?.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then_some(token)
}
