//! Mentions: a member who writes "@usertag" in a room's chat notifies that member when they
//! are elsewhere (in the room, they read the line). Counted per sending account on every
//! instance (10 a minute, 200 a day): past that the line still goes, the notifications do not.
//! A blocker is never notified by the player they block.

use std::time::Duration;

use pianorhythm_core::{
    chat_text,
    domain::{inbox::NotificationKind, user::User},
};
use pianorhythm_engine::quotas::Window;

use super::Social;

/// Members one line may notify.
const MENTIONS_PER_LINE: usize = 5;

/// Mention notifications one account may cause: 10 a minute and 200 a day.
pub const MENTIONS: [Window; 2] = [
    Window {
        limit: 10,
        per: Duration::from_secs(60),
    },
    Window {
        limit: 200,
        per: Duration::from_secs(24 * 60 * 60),
    },
];

/// How much of the line a notification quotes.
const QUOTED_CHARS: usize = 140;

impl Social {
    /// `sender` wrote `text` in the room `room_id`: the members it names who are elsewhere are
    /// notified. Failures are logged; the line has gone already.
    pub async fn mentioned(&self, sender: &User, room_id: &str, text: &str) {
        for tag in chat_text::mentioned_tags(text, MENTIONS_PER_LINE) {
            let Ok(other) = self.inner.users.by_usertag(tag).await else {
                continue;
            };
            if other.id == sender.id || self.is_in_room(&other.id, room_id).await {
                continue;
            }
            if !matches!(self.blocks_player(&other.id, &sender.id).await, Ok(false)) {
                continue;
            }
            if self.inner.mentions.take(&sender.id).await.is_err() {
                return;
            }
            let (place, link) = match self.listed_room(room_id) {
                Some(name) => (
                    format!("in {name}"),
                    format!("/room/{}", super::path_segment(&name)),
                ),
                None => ("in a private room".to_owned(), "/".to_owned()),
            };
            let quoted: String = text.chars().take(QUOTED_CHARS).collect();
            let words = format!("{} mentioned you {place}: {quoted}", sender.username);
            self.notify_now(
                &other.id,
                NotificationKind::Mention,
                &sender.id,
                words,
                link,
            )
            .await;
        }
    }

    /// Whether one of `member`'s connections is in the room.
    async fn is_in_room(&self, member: &str, room_id: &str) -> bool {
        let rooms = self.whereabouts_of(member).await;
        rooms.iter().any(|room| room.as_deref() == Some(room_id))
    }

    /// The room's name, if the lobby lists it.
    fn listed_room(&self, room_id: &str) -> Option<String> {
        self.inner
            .registry
            .public_rooms()
            .into_iter()
            .find(|room| room.id == room_id)
            .map(|room| room.name)
    }
}
