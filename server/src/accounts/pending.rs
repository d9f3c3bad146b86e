//! A sign-in on its way to the provider (its `state`, PKCE verifier and the page to return
//! to) is kept in a signed cookie of its own for a few minutes, not in the session: the
//! sessions of visitors who did nothing yet live in a bounded map that other people's traffic
//! can push them out of, and a flood of handshakes must not break a sign-in half-way.
//!
//! The cookie is signed (HMAC-SHA256) with a key derived from the token signing key, so every
//! instance sharing `JWT_PRIVATE_KEY` reads it; it carries its own expiry, since a browser may
//! keep a cookie past its `Max-Age`. It is `HttpOnly` and `SameSite=Lax` (the provider sends
//! the browser back with a top-level GET, which Lax allows).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};
use tower_cookies::{
    cookie::{time, SameSite},
    Cookie, Cookies, Key,
};

use super::oauth::PendingAuthorization;

/// How long a sign-in may stay with the provider.
pub const PENDING_SECONDS: i64 = 10 * 60;

/// What the cookie holds: the pending sign-in and when it stops counting.
#[derive(Serialize, Deserialize)]
struct Kept {
    /// The sign-in itself.
    pending: PendingAuthorization,
    /// Unix seconds after which the cookie is ignored.
    expires: i64,
}

/// Keeps and takes back the pending sign-in cookie.
pub struct PendingCookie {
    /// Signs the cookie and checks it.
    key: Key,
    /// Over HTTPS: `Secure` and `__Host-` prefixed, as the session cookie.
    secure: bool,
}

impl PendingCookie {
    /// A cookie signed with a key derived from `secret` (the token signing key's bytes).
    pub fn new(secret: &[u8], secure: bool) -> Self {
        let derived = Sha512::new()
            .chain_update(b"pianorhythm pending sign-in cookie\0")
            .chain_update(secret)
            .finalize();
        Self {
            key: Key::from(derived.as_slice()),
            secure,
        }
    }

    fn name(&self) -> &'static str {
        match self.secure {
            true => "__Host-pianorhythm.signin",
            false => "pianorhythm.signin",
        }
    }

    /// Keeps `pending` in the browser until it comes back from the provider (`now`: Unix
    /// seconds).
    pub fn keep(&self, cookies: &Cookies, pending: PendingAuthorization, now: i64) {
        let kept = Kept {
            pending,
            expires: now + PENDING_SECONDS,
        };
        let value = serde_json::to_string(&kept).expect("a pending sign-in serializes");
        let cookie = Cookie::build((self.name(), value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::seconds(PENDING_SECONDS))
            .build();
        cookies.signed(&self.key).add(cookie);
    }

    /// Takes the pending sign-in back, once: the cookie is removed whatever it held. `None`
    /// if there is none, or it is forged, unreadable or out of date.
    pub fn take(&self, cookies: &Cookies, now: i64) -> Option<PendingAuthorization> {
        let found = cookies.signed(&self.key).get(self.name());
        if found.is_some() {
            cookies.remove(Cookie::build(self.name()).path("/").build());
        }
        let kept: Kept = serde_json::from_str(found?.value()).ok()?;
        (now < kept.expires).then_some(kept.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingAuthorization {
        PendingAuthorization {
            provider: "local".into(),
            state: "state".into(),
            verifier: "verifier".into(),
            return_to: "/room/Jazz".into(),
        }
    }

    /// What a browser would send back: the cookies set on `from`, as a fresh jar.
    fn returned(from: &Cookies) -> Cookies {
        let cookies = Cookies::default();
        for cookie in from.list() {
            cookies.add(Cookie::new(
                cookie.name().to_owned(),
                cookie.value().to_owned(),
            ));
        }
        cookies
    }

    #[test]
    fn a_pending_sign_in_comes_back_once_and_only_in_time() {
        let keeper = PendingCookie::new(b"secret", false);
        let sent = Cookies::default();
        keeper.keep(&sent, pending(), 1_000);

        let back = returned(&sent);
        let taken = keeper.take(&back, 1_000 + PENDING_SECONDS - 1).unwrap();
        assert_eq!(taken.state, "state");
        assert!(keeper.take(&back, 1_000).is_none(), "taken once");

        let late = returned(&sent);
        assert!(keeper.take(&late, 1_000 + PENDING_SECONDS).is_none());
    }

    #[test]
    fn a_cookie_signed_with_another_key_or_changed_is_ignored() {
        let sent = Cookies::default();
        PendingCookie::new(b"other", false).keep(&sent, pending(), 1_000);
        assert!(PendingCookie::new(b"secret", false)
            .take(&returned(&sent), 1_000)
            .is_none());

        let keeper = PendingCookie::new(b"secret", true);
        let sent = Cookies::default();
        keeper.keep(&sent, pending(), 1_000);
        let set = sent.get("__Host-pianorhythm.signin").unwrap();
        assert!(set.secure().unwrap_or(false) && set.http_only().unwrap_or(false));
        let forged = Cookies::default();
        forged.add(Cookie::new(
            "__Host-pianorhythm.signin",
            set.value().replace("verifier", "verifies"),
        ));
        assert!(keeper.take(&forged, 1_000).is_none());
    }
}
