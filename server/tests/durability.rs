//! Nothing acknowledged is lost: the real `server` binary is killed with SIGKILL right after
//! players were told their writes succeeded, started again on the same DATA_DIR, and asked.

mod common;
mod support {
    pub mod process;
}

use common::WsClient;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ChatSend, ErrorCode, RoomSettingsUpdate,
    SetProfile,
};
use support::process::ServerProcess;
use tempfile::TempDir;

/// Changes the player's name (which makes their session worth storing) and waits until the
/// room has seen it.
async fn rename(player: &mut WsClient, name: &str) {
    player
        .request(Request::SetProfile(SetProfile {
            name: Some(name.into()),
            color: None,
            instrument: None,
        }))
        .await;
    player
        .wait_for(|kind| match kind {
            Kind::ParticipantUpdated(update) => {
                (update.participant.unwrap().name == name).then_some(())
            }
            _ => None,
        })
        .await;
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let data = TempDir::new().unwrap();
    let site = TempDir::new().unwrap();
    let server = ServerProcess::start(data.path(), site.path()).await;

    // A guest chats in the Lobby, renames themself and creates a room; each is acknowledged.
    let (mut guest, before) = server.connect(None).await;
    let cookie = guest
        .cookie
        .clone()
        .expect("the server sets a session cookie");
    guest.join_room("Lobby", None).await;
    guest.joined().await;
    let text = "still here after kill -9? (.*)";
    guest
        .request(Request::Chat(ChatSend { text: text.into() }))
        .await;
    guest
        .wait_for(|kind| matches!(kind, Kind::Chat(message) if message.text == text).then_some(()))
        .await;
    rename(&mut guest, "Durable Dan").await;
    guest
        .create_room(RoomSettingsUpdate {
            name: Some("Kept Room".into()),
            password: Some("hunter2".into()),
            ..Default::default()
        })
        .await;
    server.kill_9();

    let server = ServerProcess::start(data.path(), site.path()).await;
    // The cookie still names the same guest, with the new name.
    let (mut guest, after) = server.connect(Some(&cookie)).await;
    assert_eq!(after.id, before.id);
    assert_eq!(after.name, "Durable Dan");
    assert_eq!(after.color, before.color);
    // The Lobby's recent chat has the message.
    guest.join_room("lobby", None).await;
    let recent = guest.joined().await.recent_chat;
    let kept = recent.iter().find(|message| message.text == text);
    let kept = kept.expect("the acknowledged chat message is in the Lobby's recent chat");
    assert_eq!(kept.sender.as_ref().unwrap().id, before.id);
    // The room is back, with its password and its owner.
    let (mut stranger, _) = server.connect(None).await;
    stranger.join_room("kept room", Some("wrong")).await;
    assert_eq!(stranger.error_code().await, ErrorCode::WrongPassword);
    guest.join_room("Kept Room", None).await;
    let room = guest.joined().await.room.unwrap();
    assert_eq!(room.owner_id, before.id);
    assert!(room.has_password);
}

/// Owner changes are written behind the room; the last one shown is what `expected` says.
async fn change_welcome_many_times(owner: &mut WsClient, times: usize) -> String {
    let mut last = String::new();
    for n in 0..times {
        last = format!("welcome #{n}");
        owner
            .request(Request::UpdateSettings(RoomSettingsUpdate {
                welcome_message: Some(last.clone()),
                ..Default::default()
            }))
            .await;
    }
    owner
        .wait_for(|kind| match kind {
            Kind::RoomUpdated(updated) => {
                (updated.room.unwrap().welcome_message == last).then_some(())
            }
            _ => None,
        })
        .await;
    last
}

/// A new guest who creates the room `name`; returns them and their session cookie.
async fn room_owner(server: &ServerProcess, name: &str) -> (WsClient, String) {
    let (mut owner, _) = server.connect(None).await;
    let cookie = owner.cookie.clone().unwrap();
    owner
        .create_room(RoomSettingsUpdate {
            name: Some(name.into()),
            ..Default::default()
        })
        .await;
    (owner, cookie)
}

#[tokio::test]
async fn a_graceful_stop_writes_every_room_change_first() {
    let data = TempDir::new().unwrap();
    let site = TempDir::new().unwrap();
    let server = ServerProcess::start(data.path(), site.path()).await;
    let (mut owner, cookie) = room_owner(&server, "Journal").await;
    let last = change_welcome_many_times(&mut owner, 20).await;
    // Straight away: the changes may still be queued for the store.
    server.terminate();

    let server = ServerProcess::start(data.path(), site.path()).await;
    let (mut owner, _) = server.connect(Some(&cookie)).await;
    owner.join_room("Journal", None).await;
    assert_eq!(owner.joined().await.room.unwrap().welcome_message, last);
}

#[tokio::test]
async fn a_kill_during_a_burst_of_writes_leaves_a_consistent_room() {
    let data = TempDir::new().unwrap();
    let site = TempDir::new().unwrap();
    let server = ServerProcess::start(data.path(), site.path()).await;
    let (mut owner, cookie) = room_owner(&server, "Burst").await;
    for n in 0..5 {
        let text = format!("message {n}");
        owner.request(Request::Chat(ChatSend { text })).await;
    }
    owner
        .wait_for(|kind| matches!(kind, Kind::Chat(m) if m.text == "message 4").then_some(()))
        .await;
    change_welcome_many_times(&mut owner, 20).await;
    server.kill_9();

    let server = ServerProcess::start(data.path(), site.path()).await;
    let (mut owner, _) = server.connect(Some(&cookie)).await;
    owner.join_room("Burst", None).await;
    let joined = owner.joined().await;
    // Every acknowledged message, in order; the room state is one the owner set, whole.
    let texts: Vec<String> = joined.recent_chat.into_iter().map(|m| m.text).collect();
    assert_eq!(
        texts,
        (0..5).map(|n| format!("message {n}")).collect::<Vec<_>>()
    );
    let welcome = joined.room.unwrap().welcome_message;
    assert!(
        welcome.is_empty() || welcome.starts_with("welcome #"),
        "{welcome:?}"
    );
}

#[tokio::test]
async fn two_instances_share_one_data_dir_from_their_first_start() {
    let (data, site) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    // Started together on an empty folder: both migrate the database and make a signing key.
    let (first, second) = tokio::join!(
        ServerProcess::start(data.path(), site.path()),
        ServerProcess::start(data.path(), site.path()),
    );
    let jwks = |server: &ServerProcess| {
        let url = format!("http://{}/api/v1/auth/jwks", server.address);
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(jwks(&first).await, jwks(&second).await, "one signing key");

    // A guest's stored session, made on one instance, is the same player on the other.
    let (mut guest, _) = first.connect(None).await;
    rename(&mut guest, "Roaming Rita").await;
    let cookie = guest.cookie.clone();
    let (_, you) = second.connect(cookie.as_deref()).await;
    assert_eq!(you.name, "Roaming Rita");
    first.terminate();
    second.terminate();
}
