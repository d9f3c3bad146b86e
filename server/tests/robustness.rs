//! Random traffic, well-formed and not, from several clients at once: the server must answer
//! every client afterwards, keep its rooms consistent, and never fall over.

mod common;

use common::{TestServer, WsClient};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, BanPlayer, ChatSend, CreateRoom, DeleteChatMessage, GiveCrown,
    JoinRoom, KickPlayer, LeaveRoom, MutePlayer, NoteBatch, NoteEvent, RoomSettingsUpdate,
    SetProfile,
};
use pianorhythm_core::protocol::{server_message::Kind, ErrorCode};
use rand::{rngs::StdRng, Rng, SeedableRng};
use tokio_tungstenite::tungstenite::Message;

const ROOM_NAMES: [&str; 3] = ["lobby", "Alpha", "Beta"];

fn random_request(rng: &mut StdRng, ids: &[String]) -> Request {
    let target = ids[rng.random_range(0..ids.len())].clone();
    let name = ROOM_NAMES[rng.random_range(0..ROOM_NAMES.len())].to_owned();
    match rng.random_range(0..12) {
        0 => Request::Join(JoinRoom {
            room: name,
            password: rng.random_bool(0.2).then(|| "pw".into()),
        }),
        1 => Request::Create(CreateRoom {
            settings: Some(RoomSettingsUpdate {
                name: Some(name),
                max_players: Some(rng.random_range(0..60)),
                password: rng.random_bool(0.3).then(|| "pw".into()),
                ..Default::default()
            }),
        }),
        2 => Request::Leave(LeaveRoom {}),
        3 => Request::Chat(ChatSend {
            text: "x".repeat(rng.random_range(0..600)),
        }),
        4 => Request::UpdateSettings(RoomSettingsUpdate {
            name: rng
                .random_bool(0.5)
                .then(|| ROOM_NAMES[rng.random_range(0..3)].to_owned()),
            max_players: Some(rng.random_range(0..60)),
            note_rate: Some(rng.random_range(0..30_000)),
            who_can_play: Some(rng.random_range(-1..3)),
            ..Default::default()
        }),
        5 => Request::Kick(KickPlayer {
            participant_id: target,
        }),
        6 => Request::Ban(BanPlayer {
            participant_id: target,
            duration_seconds: rng.random_range(0..3),
            site_wide: rng.random_bool(0.2),
        }),
        7 => Request::GiveCrown(GiveCrown {
            participant_id: target,
        }),
        9 => Request::Mute(MutePlayer {
            participant_id: target,
            duration_seconds: rng.random_range(0..3),
        }),
        10 => Request::DeleteChat(DeleteChatMessage {
            message_id: format!("{:016x}", rng.random_range(0..1_000u64)),
        }),
        8 => Request::SetProfile(SetProfile {
            name: Some("n".repeat(rng.random_range(0..50))),
            color: Some(format!("#{:06x}", rng.random_range(0..0x1_000_000))),
            instrument: None,
        }),
        _ => Request::Notes(NoteBatch {
            time: rng.random_range(-10.0..1e13),
            events: (0..rng.random_range(0..20))
                .map(|_| NoteEvent {
                    offset_ms: rng.random_range(0..6_000),
                    kind: rng.random_range(0..4),
                    key: rng.random_range(0..140),
                    value: rng.random_range(0..140),
                })
                .collect(),
        }),
    }
}

#[tokio::test]
async fn random_traffic_never_breaks_the_server() {
    let server = TestServer::start().await;
    let mut clients: Vec<WsClient> = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..4 {
        let (client, id) = server.player().await;
        clients.push(client);
        ids.push(id);
    }
    ids.push("no-such-player".into());

    for seed in 0..8u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        for _ in 0..150 {
            let client = &mut clients[rng.random_range(0..4)];
            if rng.random_bool(0.15) {
                let garbage: Vec<u8> = (0..rng.random_range(0..64)).map(|_| rng.random()).collect();
                client.send_raw(Message::Binary(garbage.into())).await;
            } else {
                client.request(random_request(&mut rng, &ids)).await;
            }
        }
        // Every client is still served, in order, after whatever it caused.
        for client in &mut clients {
            client.drain().await;
        }
    }

    // Every live room still works: its actor is alive and answers a join (notes or chat may
    // be restricted by the random settings; a full room, or a ban that a random request put
    // on every guest of this address, answers with an error, also an answer).
    let rooms = server.active_rooms().await;
    for room in rooms.as_array().unwrap() {
        let name = room["name"].as_str().unwrap();
        let (mut visitor, _) = server.player().await;
        visitor.join_room(name, Some("pw")).await;
        let answer = visitor
            .wait_for(|kind| match kind {
                Kind::RoomJoined(_) => Some(None),
                Kind::Error(error) => Some(Some(error.code())),
                _ => None,
            })
            .await;
        // A room whose actor had died would answer RoomNotFound.
        assert!(
            matches!(
                answer,
                None | Some(ErrorCode::RoomFull | ErrorCode::WrongPassword | ErrorCode::Banned)
            ),
            "room {name} answered {answer:?}"
        );
    }

    let rooms = server.active_rooms().await;
    let rooms = rooms.as_array().unwrap();
    assert_eq!(rooms[0]["name"], "Lobby");
    let total: u64 = rooms
        .iter()
        .map(|room| room["playerCount"].as_u64().unwrap())
        .sum();
    assert!(
        total <= 4 + rooms.len() as u64,
        "more players in rooms than connected: {rooms:?}"
    );
    assert_eq!(server.get("/health").await.status(), 200);
}
