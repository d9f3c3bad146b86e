//! Where friends are. Each member's connection reports where it is (connected, which room)
//! to the presence board, shared by every instance; whenever a member's whereabouts change,
//! their friends' open connections are sent a `FriendPresence` at once, wherever they are.
//! A room is named only if the lobby lists it, so a private room stays private.

use std::{collections::HashMap, sync::Arc};

use pianorhythm_core::{
    protocol::{presence::State, server_message::Kind, FriendPresence, Presence},
    rooms::RoomSummary,
};
use pianorhythm_engine::{frames, rooms::ConnectionId};
use pianorhythm_store::now_millis;

use super::Social;

impl Social {
    /// Where each of `members` is now, in order. A board or store that fails says "offline"
    /// (logged) rather than failing the page.
    pub async fn presence_of(&self, members: &[String]) -> Vec<Presence> {
        let board = self
            .inner
            .presence
            .read(members)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "cannot read where players are");
                vec![Vec::new(); members.len()]
            });
        let offline: Vec<String> = members
            .iter()
            .zip(&board)
            .filter(|(_, whereabouts)| whereabouts.is_empty())
            .map(|(member, _)| member.clone())
            .collect();
        let seen: HashMap<String, i64> = match offline.is_empty() {
            true => HashMap::new(),
            false => self
                .inner
                .friends
                .last_seen(&offline)
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "cannot read when players were last seen");
                    Vec::new()
                })
                .into_iter()
                .collect(),
        };
        let listed: HashMap<String, RoomSummary> = self
            .inner
            .registry
            .public_rooms()
            .into_iter()
            .map(|room| (room.id.clone(), room))
            .collect();
        members
            .iter()
            .zip(board)
            .map(|(member, whereabouts)| presence(&whereabouts, &listed, seen.get(member).copied()))
            .collect()
    }

    /// The room of each of `member`'s open connections (`None`: in no room), on every
    /// instance; none when the board cannot be read (logged).
    pub(super) async fn whereabouts_of(&self, member: &str) -> Vec<Option<String>> {
        match self.inner.presence.read(&[member.to_owned()]).await {
            Ok(mut board) => board.pop().unwrap_or_default(),
            Err(error) => {
                tracing::warn!(%error, "cannot read where players are");
                Vec::new()
            }
        }
    }

    /// Tells `member`'s friends where they are now.
    pub async fn presence_moved(&self, member: &str) {
        let friends = match self.friends_to_tell(member).await {
            Ok(friends) if !friends.is_empty() => friends,
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot read a member's friends");
                return;
            }
        };
        let presence = self.presence_of(&[member.to_owned()]).await.pop();
        let frame = frames::encode(Kind::FriendPresence(FriendPresence {
            player_id: member.to_owned(),
            presence,
        }));
        self.inner.live.tell_players(&friends, &frame);
    }
}

/// Where a member is, from where their connections are: in the first listed room any of them
/// is in, else in a room not listed (shown without its name), else online, else offline.
fn presence(
    whereabouts: &[Option<String>],
    listed: &HashMap<String, RoomSummary>,
    last_seen: Option<i64>,
) -> Presence {
    let rooms: Vec<&str> = whereabouts.iter().flatten().map(String::as_str).collect();
    let shown = rooms.iter().find_map(|room| listed.get(*room));
    let state = match (shown, rooms.is_empty(), whereabouts.is_empty()) {
        (Some(_), _, _) | (None, false, _) => State::InRoom,
        (None, true, false) => State::Online,
        (None, true, true) => State::Offline,
    };
    Presence {
        state: state as i32,
        room_id: shown.map(|room| room.id.clone()).unwrap_or_default(),
        room_name: shown.map(|room| room.name.clone()).unwrap_or_default(),
        last_seen: match state {
            State::Offline => last_seen.unwrap_or_default(),
            _ => 0,
        },
    }
}

/// What one member's connection tells the presence board, and through it their friends.
pub struct PresenceReport {
    /// Where it is reported.
    social: Social,
    /// The member.
    member: String,
    /// Which of their connections.
    connection: ConnectionId,
    /// The room last reported (`Some(None)`: connected, in none), so an unchanged one is not
    /// written again.
    reported: Option<Option<Arc<str>>>,
}

impl PresenceReport {
    pub fn new(social: Social, member: String, connection: ConnectionId) -> Self {
        Self {
            social,
            member,
            connection,
            reported: None,
        }
    }

    /// The connection is in `room` now (`None`: in no room); nothing is written when it has
    /// not moved. Asked after every request, note batches included, so the unchanged case
    /// only compares.
    pub async fn at(&mut self, room: Option<&Arc<str>>) {
        if self
            .reported
            .as_ref()
            .is_some_and(|reported| reported.as_deref() == room.map(|room| &**room))
        {
            return;
        }
        let first = self.reported.is_none();
        self.reported = Some(room.cloned());
        if first {
            // A member's new connection starts with their inbox's counts.
            self.social
                .tell_inbox_to(&self.member, self.connection)
                .await;
        }
        let board = &self.social.inner.presence;
        let room = room.map(|room| &**room);
        if let Err(error) = board.set(&self.member, self.connection, room).await {
            tracing::warn!(%error, "cannot report where a player is");
        }
        // Told in turn, on this connection's loop: friends never get two moves out of order.
        self.social.presence_moved(&self.member).await;
    }

    /// The connection has closed: the member was last seen now.
    pub async fn closed(self) {
        let social = &self.social.inner;
        if let Err(error) = social.presence.remove(&self.member, self.connection).await {
            tracing::warn!(%error, "cannot report a player gone");
        }
        if let Err(error) = social.friends.seen(&self.member, now_millis()).await {
            tracing::warn!(%error, "cannot note when a player was last seen");
        }
        self.social.presence_moved(&self.member).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: &str, name: &str) -> (String, RoomSummary) {
        let room = RoomSummary {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        };
        (id.into(), room)
    }

    #[test]
    fn a_member_is_where_their_connections_are() {
        let rooms: HashMap<_, _> = [listed("jazz", "Jazz Bar")].into();
        let at = |whereabouts: &[Option<&str>], seen| {
            let whereabouts: Vec<_> = whereabouts.iter().map(|r| r.map(str::to_owned)).collect();
            let shown = presence(&whereabouts, &rooms, seen);
            (shown.state(), shown.room_name, shown.last_seen)
        };
        assert_eq!(at(&[], Some(5)), (State::Offline, String::new(), 5));
        assert_eq!(at(&[], None), (State::Offline, String::new(), 0));
        assert_eq!(at(&[None], Some(5)), (State::Online, String::new(), 0));
        assert_eq!(
            at(&[None, Some("secret"), Some("jazz")], None),
            (State::InRoom, "Jazz Bar".to_owned(), 0),
            "a listed room is named, whichever tab is in it"
        );
        assert_eq!(
            at(&[Some("secret")], None),
            (State::InRoom, String::new(), 0),
            "a room the lobby does not list is not named"
        );
    }
}
