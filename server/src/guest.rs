//! Guest identities: every browser is a player at once, with a random name and colour, kept in
//! its session cookie so that a reload or a second tab is the same person.
//!
//! Accounts will attach to the same seam: a session that holds a logged-in user yields that
//! user's identity instead.

use pianorhythm_core::protocol::{Instrument, Participant};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const GUEST_KEY: &str = "guest";
/// Present (true) once the guest has done something worth keeping across restarts.
pub const REMEMBER_KEY: &str = "remember";
/// The day (since the Unix epoch) the session was last used, to slide its expiry.
const SEEN_DAY_KEY: &str = "seen";
/// The instrument the guest last chose at the piano. Apart from the guest, so that a value
/// that no longer reads loses only the instrument, never the guest's name.
const INSTRUMENT_KEY: &str = "instrument";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guest {
    pub id: String,
    pub name: String,
    pub color: String,
}

impl Guest {
    pub fn random() -> Self {
        let mut rng = rand::rng();
        Self {
            id: pianorhythm_store::ids::new_id(),
            name: format!("Guest {:04}", rng.random_range(0..10_000)),
            color: random_color(&mut rng),
        }
    }

    /// Whether the guest picked their name (rather than keeping the random one).
    pub fn has_chosen_name(&self) -> bool {
        let number = self.name.strip_prefix("Guest ");
        !number
            .is_some_and(|number| number.len() == 4 && number.bytes().all(|b| b.is_ascii_digit()))
    }

    pub fn participant(&self) -> Participant {
        Participant {
            id: self.id.clone(),
            name: self.name.clone(),
            color: self.color.clone(),
            ..Default::default()
        }
    }
}

/// A saturated, mid-light colour, so every player's keys stand out on the piano.
fn random_color(rng: &mut impl Rng) -> String {
    let hue = rng.random_range(0.0..360.0_f64);
    let (saturation, lightness) = (0.65, 0.55);
    let chroma = (1.0 - (2.0 * lightness - 1.0_f64).abs()) * saturation;
    let x = chroma * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let (r, g, b) = match hue as u32 / 60 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    let channel = |v: f64| ((v + m) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", channel(r), channel(g), channel(b))
}

/// The guest this session belongs to, created on first use. A new guest lives only in the
/// session store's memory (see `http::sessions`) until [`save`] says it is worth keeping, so
/// a visitor who does nothing costs no stored row. A session store that fails yields a fresh
/// guest for this connection rather than refusing to play.
pub async fn from_session(session: &Session, today: i64) -> Guest {
    match session.get::<Guest>(GUEST_KEY).await {
        Ok(Some(guest)) => {
            keep_alive(session, today).await;
            guest
        }
        Ok(None) | Err(_) => {
            let guest = Guest::random();
            // Saved by the session middleware with the response, which also sets the cookie.
            let started = async {
                session.insert(GUEST_KEY, &guest).await?;
                session.insert(SEEN_DAY_KEY, today).await
            };
            if let Err(error) = started.await {
                tracing::warn!(%error, "cannot start a guest session");
            }
            guest
        }
    }
}

/// The session's guest, if it has one yet.
pub async fn current(session: &Session) -> Option<Guest> {
    session.get::<Guest>(GUEST_KEY).await.ok().flatten()
}

/// The browser's own guest: a signed-in session keeps one beside its account (and keeps it
/// on sign-out), so the browser is the same player signed in or out and a room ban on the
/// account holds for it. Made and kept now if the session has none; `None` if the session
/// store fails.
pub async fn of_browser(session: &Session, today: i64) -> Option<Guest> {
    if let Some(guest) = current(session).await {
        return Some(guest);
    }
    let guest = from_session(session, today).await;
    match save(session, &guest).await {
        Ok(()) => Some(guest),
        Err(error) => {
            tracing::warn!(%error, "cannot keep the browser's guest");
            None
        }
    }
}

/// Sessions expire after 30 days without a visit: once a day, touching the session makes the
/// middleware save it with a new expiry and send the cookie again.
async fn keep_alive(session: &Session, today: i64) {
    let seen = session.get::<i64>(SEEN_DAY_KEY).await.ok().flatten();
    if seen != Some(today) {
        if let Err(error) = session.insert(SEEN_DAY_KEY, today).await {
            tracing::warn!(%error, "cannot refresh the session");
        }
    }
}

/// Keeps the guest in the durable store once they join or create a room; a no-op for a guest
/// already kept, so joining again costs no write.
pub async fn remember(
    session: &Session,
    guest: &Guest,
) -> Result<(), tower_sessions::session::Error> {
    if session.get::<bool>(REMEMBER_KEY).await? == Some(true) {
        return Ok(());
    }
    save(session, guest).await
}

/// Keeps the guest (after joining a room, creating one, or a name or colour change) in the
/// durable store. WebSocket handlers must save explicitly: the session middleware only saves
/// while a response is still being written.
pub async fn save(session: &Session, guest: &Guest) -> Result<(), tower_sessions::session::Error> {
    session.insert(GUEST_KEY, guest).await?;
    session.insert(REMEMBER_KEY, true).await?;
    session.save().await
}

/// The instrument kept in the session, if one was and it still reads as one (check it before
/// use: the rules may have changed since).
pub async fn kept_instrument(session: &Session) -> Option<Instrument> {
    session
        .get::<Instrument>(INSTRUMENT_KEY)
        .await
        .inspect_err(|error| tracing::info!(%error, "ignoring an unreadable kept instrument"))
        .ok()
        .flatten()
}

/// Keeps the guest's instrument (`None`: the piano) for their next visit, and the guest with
/// it.
pub async fn keep_instrument(
    session: &Session,
    guest: &Guest,
    instrument: Option<&Instrument>,
) -> Result<(), tower_sessions::session::Error> {
    match instrument {
        Some(instrument) => session.insert(INSTRUMENT_KEY, instrument).await?,
        None => {
            session.remove_value(INSTRUMENT_KEY).await?;
        }
    }
    save(session, guest).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use pianorhythm_core::validation;

    #[test]
    fn random_guests_have_valid_distinct_identities() {
        let a = Guest::random();
        let b = Guest::random();
        assert_ne!(a.id, b.id);
        for guest in [a, b] {
            assert_eq!(validation::color(&guest.color).unwrap(), guest.color);
            assert_eq!(validation::player_name(&guest.name).unwrap(), guest.name);
        }
    }
}

#[cfg(test)]
mod session_tests {
    use std::sync::Arc;

    use tower_sessions::{MemoryStore, Session};

    use super::*;

    #[tokio::test]
    async fn a_returning_guest_refreshes_the_session_once_a_day() {
        let store = Arc::new(MemoryStore::default());
        let session = Session::new(None, store.clone(), None);
        let guest = from_session(&session, 100).await;
        session.save().await.unwrap();
        let id = session.id();

        let later_that_day = Session::new(id, store.clone(), None);
        assert_eq!(from_session(&later_that_day, 100).await, guest);
        assert!(
            !later_that_day.is_modified(),
            "no write for a second visit that day"
        );

        // The first visit of another day marks it, to be saved with a new expiry.
        let next_day = Session::new(id, store, None);
        assert_eq!(from_session(&next_day, 101).await, guest);
        assert!(next_day.is_modified());
    }

    #[tokio::test]
    async fn a_kept_instrument_is_read_back_cleared_and_ignored_when_unreadable() {
        let store = Arc::new(MemoryStore::default());
        let session = Session::new(None, store.clone(), None);
        let guest = from_session(&session, 100).await;
        let flute = Instrument {
            bank: 0,
            program: 73,
            name: "Flute".into(),
        };
        keep_instrument(&session, &guest, Some(&flute))
            .await
            .unwrap();
        let next_visit = Session::new(session.id(), store.clone(), None);
        assert_eq!(kept_instrument(&next_visit).await, Some(flute));
        assert_eq!(from_session(&next_visit, 100).await, guest);

        keep_instrument(&next_visit, &guest, None).await.unwrap();
        let after_piano = Session::new(next_visit.id(), store.clone(), None);
        assert_eq!(kept_instrument(&after_piano).await, None);

        after_piano
            .insert(INSTRUMENT_KEY, serde_json::json!({ "bank": -1, "name": 7 }))
            .await
            .unwrap();
        after_piano.save().await.unwrap();
        let broken = Session::new(after_piano.id(), store, None);
        assert_eq!(kept_instrument(&broken).await, None);
        assert_eq!(from_session(&broken, 100).await, guest, "the guest is kept");
    }
}
