//! Writes valid starting inputs for `room_frames` into the folder named by the first argument:
//! joining, playing, chatting, changing settings, moderating and leaving.

#[path = "input.rs"]
mod input;

use pianorhythm_core::protocol::{
    client_message::Kind as Request, BanPlayer, ChatSend, ClientMessage, GiveCrown, JoinRoom,
    KickPlayer, LeaveRoom, NoteBatch, NoteEvent, NoteEventKind, RoomSettingsUpdate, SetProfile,
};
use prost::Message as _;

fn frame(client: u8, request: Request) -> Vec<u8> {
    input::encode(client, &ClientMessage::from_kind(request).encode_to_vec())
}

fn join(client: u8) -> Vec<u8> {
    frame(
        client,
        Request::Join(JoinRoom {
            room: "Fuzz".into(),
            password: None,
        }),
    )
}

fn notes(client: u8) -> Vec<u8> {
    let events = [NoteEventKind::NoteOn, NoteEventKind::NoteOff, NoteEventKind::ControlChange]
        .into_iter()
        .enumerate()
        .map(|(n, kind)| NoteEvent {
            offset_ms: n as u32,
            kind: kind as i32,
            key: 60,
            value: 90,
        })
        .collect();
    frame(
        client,
        Request::Notes(NoteBatch {
            time: 1.0e12,
            events,
        }),
    )
}

fn main() {
    let folder = std::env::args().nth(1).expect("usage: seeds <corpus folder>");
    std::fs::create_dir_all(&folder).unwrap();
    let everyone_joins: Vec<u8> = (0..input::CLIENTS).flat_map(join).collect();
    let seeds: Vec<Vec<u8>> = vec![
        [everyone_joins.clone(), notes(1), notes(2)].concat(),
        [
            everyone_joins.clone(),
            frame(1, Request::Chat(ChatSend { text: "hello".into() })),
            frame(
                2,
                Request::SetProfile(SetProfile {
                    name: Some("Zoë".into()),
                    color: Some("#123456".into()),
                }),
            ),
        ]
        .concat(),
        [
            everyone_joins.clone(),
            frame(
                0,
                Request::UpdateSettings(RoomSettingsUpdate {
                    name: Some("Renamed".into()),
                    password: Some("secret".into()),
                    note_rate: Some(5),
                    ..Default::default()
                }),
            ),
            notes(3),
            join(3),
        ]
        .concat(),
        [
            everyone_joins,
            frame(0, Request::Kick(KickPlayer { participant_id: "p1".into() })),
            frame(
                0,
                Request::Ban(BanPlayer {
                    participant_id: "p2".into(),
                    duration_seconds: 60,
                }),
            ),
            join(3),
            frame(0, Request::GiveCrown(GiveCrown { participant_id: "p3".into() })),
            frame(0, Request::Leave(LeaveRoom {})),
        ]
        .concat(),
    ];
    for (n, seed) in seeds.iter().enumerate() {
        std::fs::write(format!("{folder}/seed-{n}"), seed).unwrap();
    }
}
