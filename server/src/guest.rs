//! Guest identities: every browser is a player at once, with a random name and colour, kept in
//! its session cookie so that a reload or a second tab is the same person.
//!
//! Accounts will attach to the same seam: a session that holds a logged-in user yields that
//! user's identity instead.

use pianorhythm_core::protocol::Participant;
use rand::Rng;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const SESSION_KEY: &str = "guest";

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
            id: crate::store::ids::new_id(),
            name: format!("Guest {:04}", rng.random_range(0..10_000)),
            color: random_color(&mut rng),
        }
    }

    pub fn participant(&self) -> Participant {
        Participant {
            id: self.id.clone(),
            name: self.name.clone(),
            color: self.color.clone(),
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

/// The guest this session belongs to, created (and saved) on first use. A session store that
/// fails yields a fresh guest for this connection rather than refusing to play.
pub async fn from_session(session: &Session) -> Guest {
    match session.get::<Guest>(SESSION_KEY).await {
        Ok(Some(guest)) => guest,
        Ok(None) | Err(_) => {
            let guest = Guest::random();
            if let Err(error) = save(session, &guest).await {
                tracing::warn!(%error, "cannot save the guest identity");
            }
            guest
        }
    }
}

/// Stores the guest (after a name or colour change). WebSocket handlers must save explicitly:
/// the session middleware only saves while a response is still being written.
pub async fn save(session: &Session, guest: &Guest) -> Result<(), tower_sessions::session::Error> {
    session.insert(SESSION_KEY, guest).await?;
    session.save().await
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
