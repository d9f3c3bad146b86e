//! Where each player's connections are, on every instance: connected, and in which room. Friends
//! read it to show "Online" or "In <room>". One instance alone keeps it here
//! ([`LocalPresence`]); the cluster crate keeps it in Redis.

use std::collections::HashMap;

use async_trait::async_trait;
use parking_lot::Mutex;

use crate::rooms::ConnectionId;

/// Where one player's open connections are: each one's room (`None`: in no room).
pub type Whereabouts = Vec<Option<String>>;

#[async_trait]
pub trait PresenceBoard: Send + Sync {
    /// Records where one connection of `player` is now.
    async fn set(
        &self,
        player: &str,
        connection: ConnectionId,
        room: Option<&str>,
    ) -> Result<(), String>;
    /// Forgets a connection that has closed.
    async fn remove(&self, player: &str, connection: ConnectionId) -> Result<(), String>;
    /// Where each of `players` is, in order (no connection: offline).
    async fn read(&self, players: &[String]) -> Result<Vec<Whereabouts>, String>;
}

/// The board of one instance alone.
#[derive(Default)]
pub struct LocalPresence {
    /// Each player's connections, with their rooms.
    players: Mutex<HashMap<String, HashMap<ConnectionId, Option<String>>>>,
}

#[async_trait]
impl PresenceBoard for LocalPresence {
    async fn set(
        &self,
        player: &str,
        connection: ConnectionId,
        room: Option<&str>,
    ) -> Result<(), String> {
        let mut players = self.players.lock();
        let connections = players.entry(player.to_owned()).or_default();
        connections.insert(connection, room.map(str::to_owned));
        Ok(())
    }

    async fn remove(&self, player: &str, connection: ConnectionId) -> Result<(), String> {
        let mut players = self.players.lock();
        if let Some(connections) = players.get_mut(player) {
            connections.remove(&connection);
            if connections.is_empty() {
                players.remove(player);
            }
        }
        Ok(())
    }

    async fn read(&self, players: &[String]) -> Result<Vec<Whereabouts>, String> {
        let board = self.players.lock();
        Ok(players
            .iter()
            .map(|player| {
                board
                    .get(player)
                    .map(|connections| connections.values().cloned().collect())
                    .unwrap_or_default()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connections_are_kept_per_player_until_they_close() {
        let board = LocalPresence::default();
        board.set("ana", 1, None).await.unwrap();
        board.set("ana", 2, Some("jazz")).await.unwrap();
        board.set("bo", 3, Some("lobby")).await.unwrap();
        let mut ana = board.read(&["ana".into()]).await.unwrap().remove(0);
        ana.sort();
        assert_eq!(ana, [None, Some("jazz".to_owned())]);
        board.set("ana", 2, None).await.unwrap();
        board.remove("ana", 1).await.unwrap();
        let read = board
            .read(&["ana".into(), "bo".into(), "cy".into()])
            .await
            .unwrap();
        assert_eq!(read, [vec![None], vec![Some("lobby".to_owned())], vec![]]);
        board.remove("ana", 2).await.unwrap();
        board.remove("nobody", 9).await.unwrap();
        assert_eq!(board.read(&["ana".into()]).await.unwrap(), [vec![]]);
    }
}
