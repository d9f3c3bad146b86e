//! API tokens: short-lived access tokens (JWTs signed with Ed25519, `alg: EdDSA`),
//! long-lived, single-use refresh tokens kept only as hashes, and room tickets (JWTs too, for
//! another audience) that let one player into one room over the WebSocket.
//!
//! An access token carries its account's token version (`ver`): the account is read on every
//! request, and a token of an older version is refused, so sign-out, a role change and a site
//! ban (which bump it) end every access token at once. A refresh family lives at most
//! `family_lifetime` from its sign-in, however often it is refreshed.

use std::time::Duration;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{
    jwk::{
        AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm,
        OctetKeyPairParameters, OctetKeyPairType, PublicKeyUse,
    },
    Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use pianorhythm_core::domain::{auth::RefreshToken, user::User, UnixMillis};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::service_error::ServiceError;

/// What an access token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The account id.
    pub sub: String,
    /// The role when issued; informative only, since every request reads the account.
    pub role: String,
    /// This site's public URL: a token from elsewhere is refused.
    pub iss: String,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds.
    pub exp: u64,
    /// The account's token version when issued; the token is refused once the account's has
    /// moved on. Tokens from before versions read as 0, the version every account began at.
    #[serde(default)]
    pub ver: u64,
}

/// Every room ticket's audience: a ticket is never taken for an access token (which has no
/// audience), nor an access token for a ticket.
const TICKET_AUDIENCE: &str = "room-ticket";

/// How long a room ticket is good for: long enough to open a connection, short enough that
/// one found in a log is of no use.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(60);

/// What a room ticket says: this player may enter this room (its password, bans and
/// capacity were checked when it was issued; bans and capacity are checked again on entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketClaims {
    /// The player it was issued to (account or guest id): no one else may use it.
    pub sub: String,
    /// The room's id.
    pub room: String,
    /// For a room with a password, the proof that the player gave it (a digest of the
    /// room's hash, never the hash); a new password makes it worthless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
    /// Always [`TICKET_AUDIENCE`].
    pub aud: String,
    /// This site's public URL.
    pub iss: String,
    /// Expires at, Unix seconds.
    pub exp: u64,
}

#[derive(Debug, thiserror::Error)]
#[error("the access token is missing, expired or not ours")]
pub struct InvalidToken;

impl From<InvalidToken> for ServiceError {
    fn from(_: InvalidToken) -> Self {
        Self::InvalidToken
    }
}

/// Signs and checks access tokens; mints refresh tokens.
pub struct TokenIssuer {
    /// The private key, for signing.
    encoding: EncodingKey,
    /// The public key, for checking.
    decoding: DecodingKey,
    /// Names the key in the JWKS and in each token's header, so a key can be rotated.
    kid: String,
    /// The public key, base64url: the JWKS's `x`.
    public_x: String,
    /// `iss` of every token: this site's public URL.
    issuer: String,
    /// How long an access token is good for.
    pub access_ttl: Duration,
    /// How long an unused refresh token is good for.
    pub refresh_ttl: Duration,
    /// How long a refresh family lives from its sign-in, refreshed or not.
    pub family_lifetime: Duration,
}

/// The lifetimes of the tokens a [`TokenIssuer`] issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    /// An access token's.
    pub access: Duration,
    /// An unused refresh token's.
    pub refresh: Duration,
    /// A refresh family's, from its sign-in.
    pub family: Duration,
}

/// Whether a refresh family begun at `started_at` is past its absolute `lifetime` at `now`.
pub fn family_over(started_at: UnixMillis, now: UnixMillis, lifetime: Duration) -> bool {
    now >= started_at.saturating_add(millis(lifetime))
}

fn millis(duration: Duration) -> UnixMillis {
    UnixMillis::try_from(duration.as_millis()).unwrap_or(UnixMillis::MAX)
}

impl TokenIssuer {
    pub fn new(key: &SigningKey, issuer: String, lifetimes: Lifetimes) -> Result<Self, String> {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let der = key
            .to_pkcs8_der()
            .map_err(|error| format!("cannot encode the signing key: {error}"))?;
        let public = key.verifying_key().to_bytes();
        let public_x = URL_SAFE_NO_PAD.encode(public);
        let decoding = DecodingKey::from_ed_components(&public_x)
            .map_err(|error| format!("cannot use the public key: {error}"))?;
        Ok(Self {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            decoding,
            kid: hex::encode(&Sha256::digest(public)[..8]),
            public_x,
            issuer,
            access_ttl: lifetimes.access,
            refresh_ttl: lifetimes.refresh,
            family_lifetime: lifetimes.family,
        })
    }

    /// A signed access token for the account at its token version, valid for `access_ttl`
    /// from `now_secs`.
    pub fn access_token(&self, user: &User, now_secs: u64) -> String {
        let claims = Claims {
            sub: user.id.clone(),
            role: user.role().as_str().to_owned(),
            iss: self.issuer.clone(),
            iat: now_secs,
            exp: now_secs + self.access_ttl.as_secs(),
            ver: user.token_version,
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).expect("an Ed25519 key always signs")
    }

    /// The claims of a token this server signed and that has not expired.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
    }

    /// A signed room ticket for `player` into `room`, valid for [`TICKET_LIFETIME`] from
    /// `now_secs`.
    pub fn room_ticket(
        &self,
        player: &str,
        room: &str,
        proof: Option<String>,
        now_secs: u64,
    ) -> String {
        let claims = TicketClaims {
            sub: player.to_owned(),
            room: room.to_owned(),
            proof,
            aud: TICKET_AUDIENCE.to_owned(),
            iss: self.issuer.clone(),
            exp: now_secs + TICKET_LIFETIME.as_secs(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding).expect("an Ed25519 key always signs")
    }

    /// The claims of a room ticket this server signed and that has not expired.
    pub fn verify_room_ticket(&self, ticket: &str) -> Result<TicketClaims, InvalidToken> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[TICKET_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<TicketClaims>(ticket, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
    }

    /// The public key as a JSON Web Key Set, for anyone checking our tokens.
    pub fn jwks(&self) -> JwkSet {
        let key = Jwk {
            common: CommonParameters {
                public_key_use: Some(PublicKeyUse::Signature),
                key_algorithm: Some(KeyAlgorithm::EdDSA),
                key_id: Some(self.kid.clone()),
                ..CommonParameters::default()
            },
            algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
                key_type: OctetKeyPairType::OctetKeyPair,
                curve: EllipticCurve::Ed25519,
                x: self.public_x.clone(),
            }),
        };
        JwkSet { keys: vec![key] }
    }

    /// A new refresh token of `family` (begun at `family_started_at`): the token to hand out,
    /// and the record to store. It expires with its family at the latest.
    pub fn refresh_token(
        &self,
        user_id: &str,
        family: &str,
        family_started_at: UnixMillis,
        now: UnixMillis,
    ) -> (String, RefreshToken) {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let token = URL_SAFE_NO_PAD.encode(secret);
        let record = RefreshToken {
            hash: refresh_hash(&token),
            family: family.to_owned(),
            user_id: user_id.to_owned(),
            expires_at: now
                .saturating_add(millis(self.refresh_ttl))
                .min(family_started_at.saturating_add(millis(self.family_lifetime))),
            family_started_at,
        };
        (token, record)
    }
}

/// How a refresh token is stored and looked up.
pub fn refresh_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn issuer() -> TokenIssuer {
        let key = SigningKey::generate(&mut rand_core::OsRng);
        let lifetimes = Lifetimes {
            access: Duration::from_secs(900),
            refresh: DAY,
            family: DAY * 3,
        };
        TokenIssuer::new(&key, "http://site".into(), lifetimes).unwrap()
    }

    fn user(id: &str, token_version: u64) -> User {
        User {
            id: id.into(),
            username: id.into(),
            usertag: id.into(),
            email: None,
            roles: vec![pianorhythm_core::domain::user::Role::Member],
            color: "#336699".into(),
            avatar_url: None,
            bio: None,
            location: None,
            settings: Default::default(),
            banned_until: None,
            token_version,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn now() -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn access_tokens_are_eddsa_and_verify_until_they_expire() {
        let issuer = issuer();
        let token = issuer.access_token(&user("u1", 7), now());
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, Algorithm::EdDSA);
        let claims = issuer.verify(&token).unwrap();
        assert_eq!((claims.sub.as_str(), claims.exp - claims.iat), ("u1", 900));
        assert_eq!((claims.role.as_str(), claims.ver), ("member", 7));

        let expired = issuer.access_token(&user("u1", 7), now() - 3_600);
        assert!(issuer.verify(&expired).is_err());
    }

    #[test]
    fn forged_or_tampered_tokens_are_refused() {
        let (ours, theirs) = (issuer(), issuer());
        let forged = theirs.access_token(&user("u1", 0), now());
        assert!(ours.verify(&forged).is_err(), "signed by another key");

        let token = ours.access_token(&user("u1", 0), now());
        let mut parts: Vec<&str> = token.split('.').collect();
        let payload = URL_SAFE_NO_PAD.encode(
            serde_json::json!({"sub": "u2", "role": "admin", "iss": "http://site",
                "iat": now(), "exp": now() + 900})
            .to_string(),
        );
        parts[1] = &payload;
        assert!(ours.verify(&parts.join(".")).is_err(), "payload swapped");

        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            payload
        );
        assert!(ours.verify(&none).is_err(), "alg none");
        assert!(ours.verify("garbage").is_err());
    }

    #[test]
    fn room_tickets_are_neither_access_tokens_nor_the_other_way_round() {
        let (ours, theirs) = (issuer(), issuer());
        let ticket = ours.room_ticket("u1", "room1", Some("proof".into()), now());
        let claims = ours.verify_room_ticket(&ticket).unwrap();
        assert_eq!((claims.sub.as_str(), claims.room.as_str()), ("u1", "room1"));
        assert_eq!(claims.proof.as_deref(), Some("proof"));
        assert_eq!(claims.exp, now() + TICKET_LIFETIME.as_secs());

        assert!(ours.verify(&ticket).is_err(), "a ticket is no access token");
        let token = ours.access_token(&user("u1", 0), now());
        assert!(
            ours.verify_room_ticket(&token).is_err(),
            "nor a token a ticket"
        );
        let forged = theirs.room_ticket("u1", "room1", None, now());
        assert!(
            ours.verify_room_ticket(&forged).is_err(),
            "signed by another key"
        );
        let expired = ours.room_ticket("u1", "room1", None, now() - 3_600);
        assert!(ours.verify_room_ticket(&expired).is_err(), "expired");
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_as_hashes() {
        let issuer = issuer();
        let (a, record) = issuer.refresh_token("u1", "fam", 1_000, 1_000);
        let (b, _) = issuer.refresh_token("u1", "fam", 1_000, 1_000);
        assert_ne!(a, b);
        assert_eq!(record.hash, refresh_hash(&a));
        assert!(!record.hash.contains(&a));
        assert_eq!(record.expires_at, 1_000 + 86_400_000);
        let jwks = serde_json::to_value(issuer.jwks()).unwrap();
        assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    }

    #[test]
    fn a_token_from_before_versions_reads_as_version_zero() {
        let old = serde_json::json!({"sub": "u1", "role": "member", "iss": "http://site",
            "iat": 1, "exp": 2});
        let claims: Claims = serde_json::from_value(old).unwrap();
        assert_eq!(claims.ver, 0);
    }

    #[test]
    fn a_family_ends_at_its_absolute_lifetime_however_fresh_its_chain() {
        let lifetime = DAY * 3;
        let started = 1_000_000;
        let end = started + 3 * 86_400_000;
        assert!(!family_over(started, started, lifetime));
        assert!(!family_over(started, end - 1, lifetime));
        assert!(family_over(started, end, lifetime));
        assert!(
            family_over(0, UnixMillis::MAX, Duration::MAX),
            "no overflow"
        );

        // A token issued near the family's end expires with it, not a refresh TTL later.
        let issuer = issuer();
        let (_, late) = issuer.refresh_token("u1", "fam", started, end - 1_000);
        assert_eq!((late.expires_at, late.family_started_at), (end, started));
        let (_, early) = issuer.refresh_token("u1", "fam", started, started);
        assert_eq!(early.expires_at, started + 86_400_000);
    }
}
