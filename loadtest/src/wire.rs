//! The frames bots send and how they read what comes back, for both targets: the real server
//! (protobuf `ClientMessage` in, `ServerMessage` out) and the baseline relay (which forwards the
//! sender's `ClientMessage` bytes unchanged).
//!
//! Each note carries the sender's instance in its velocity ([`NOTE_VELOCITY`] + instance), so a
//! listener knows whether the note reached it across the bus between instances.

use pianorhythm_core::protocol::{
    client_message, server_message, ClientMessage, CreateRoom, JoinRoom, NoteBatch, NoteEvent,
    NoteEventKind, RoomSettingsUpdate, ServerMessage, TimePing,
};
use prost::Message as _;

/// What the bots talk to; decides the handshake and how relayed notes look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The PianoRhythm server: Welcome, join a room, receive `RelayedNotes`.
    Server,
    /// The minimal relay: no handshake, the room is the URL path, frames come back as sent.
    Relay,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Server => "server",
            Target::Relay => "baseline",
        }
    }
}

/// The velocity of a note played by a bot on instance 0; bots on instance k add k.
pub const NOTE_VELOCITY: u32 = 100;
/// Instances the velocity can tell apart (velocities go up to 127).
pub const MAX_INSTANCES: u32 = 128 - NOTE_VELOCITY;

/// What a listener reads from a relayed note.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelayedNote {
    /// The loader-clock time the sender stamped it with.
    pub sent_ms: f64,
    /// The instance its sender is connected to.
    pub sender_instance: u32,
}

/// One note, stamped with the loader clock and tagged with the sender's `instance`, as one
/// message (the worst case for the server: per-message overhead dominates).
pub fn note(time_ms: f64, key: u32, instance: u32) -> Vec<u8> {
    ClientMessage::from_kind(client_message::Kind::Notes(NoteBatch {
        time: time_ms,
        events: vec![NoteEvent {
            offset_ms: 0,
            kind: NoteEventKind::NoteOn as i32,
            key,
            value: NOTE_VELOCITY + instance,
        }],
    }))
    .encode_to_vec()
}

pub fn join(room: &str) -> Vec<u8> {
    ClientMessage::from_kind(client_message::Kind::Join(JoinRoom {
        room: room.to_owned(),
        password: None,
    }))
    .encode_to_vec()
}

/// Creates a room large and permissive enough that the quota never throttles the test.
pub fn create(room: &str, max_players: u32, note_rate: u32) -> Vec<u8> {
    ClientMessage::from_kind(client_message::Kind::Create(CreateRoom {
        settings: Some(RoomSettingsUpdate {
            name: Some(room.to_owned()),
            max_players: Some(max_players),
            note_rate: Some(note_rate),
            ..Default::default()
        }),
    }))
    .encode_to_vec()
}

/// Keeps the connection from being dropped as idle.
pub fn ping(time_ms: f64) -> Vec<u8> {
    ClientMessage::from_kind(client_message::Kind::Ping(TimePing {
        client_send_time: time_ms,
    }))
    .encode_to_vec()
}

/// The stamp and sender's instance of a relayed note, or `None` for any other frame.
pub fn relayed_note(target: Target, frame: &[u8]) -> Option<RelayedNote> {
    let batch = match target {
        Target::Server => match ServerMessage::decode(frame).ok()?.kind? {
            server_message::Kind::Notes(relayed) => relayed.batch?,
            _ => return None,
        },
        Target::Relay => match ClientMessage::decode(frame).ok()?.kind? {
            client_message::Kind::Notes(batch) => batch,
            _ => return None,
        },
    };
    let velocity = batch
        .events
        .first()
        .map_or(NOTE_VELOCITY, |event| event.value);
    Some(RelayedNote {
        sent_ms: batch.time,
        sender_instance: velocity.saturating_sub(NOTE_VELOCITY),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pianorhythm_core::protocol::RelayedNotes;

    #[test]
    fn relayed_notes_yield_their_stamp_and_instance_for_both_targets() {
        let frame = note(1234.5, 60, 1);
        let expected = Some(RelayedNote {
            sent_ms: 1234.5,
            sender_instance: 1,
        });
        assert_eq!(relayed_note(Target::Relay, &frame), expected);
        let ClientMessage {
            kind: Some(client_message::Kind::Notes(batch)),
        } = ClientMessage::decode(frame.as_slice()).unwrap()
        else {
            panic!("not a note batch");
        };
        let relayed = ServerMessage::from_kind(server_message::Kind::Notes(RelayedNotes {
            sender_id: "someone".into(),
            batch: Some(batch),
        }))
        .encode_to_vec();
        assert_eq!(relayed_note(Target::Server, &relayed), expected);
        assert_eq!(relayed_note(Target::Relay, &ping(1.0)), None);
    }
}
