//! The frames bots send and how they read what comes back, for both targets: the real server
//! (protobuf `ClientMessage` in, `ServerMessage` out) and the baseline relay (which forwards the
//! sender's `ClientMessage` bytes unchanged).
//!
//! Each note carries the sender's instance in its velocity ([`NOTE_VELOCITY`] + instance), so a
//! listener knows whether the note reached it across the bus between instances. Batches are
//! stamped with the loader clock, which reads like the server's on the same machine.

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

/// What a listener reads from a relayed batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelayedNote {
    /// The loader-clock time the sender stamped it with.
    pub sent_ms: f64,
    /// The instance its sender is connected to.
    pub sender_instance: u32,
    /// Note-ons in it: what counts as delivered notes.
    pub note_ons: u64,
}

/// The velocity of every note-on a bot on `instance` plays.
pub fn velocity(instance: u32) -> u32 {
    NOTE_VELOCITY + instance
}

/// Events played at `time_ms` (loader clock), as one message.
pub fn batch(time_ms: f64, events: Vec<NoteEvent>) -> Vec<u8> {
    ClientMessage::from_kind(client_message::Kind::Notes(NoteBatch {
        time: time_ms,
        events,
    }))
    .encode_to_vec()
}

/// One note-on tagged with the sender's `instance`, as one message (the worst case for the
/// server: per-message overhead dominates).
pub fn note(time_ms: f64, key: u32, instance: u32) -> Vec<u8> {
    let on = NoteEvent {
        offset_ms: 0,
        kind: NoteEventKind::NoteOn as i32,
        key,
        value: velocity(instance),
    };
    batch(time_ms, vec![on])
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

/// The stamp, sender's instance (read from its first note-on) and note-on count of a relayed
/// batch, or `None` for any other frame.
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
    let mut note_ons = batch
        .events
        .iter()
        .filter(|event| event.kind() == NoteEventKind::NoteOn);
    let first = note_ons.next();
    let velocity = first.map_or(NOTE_VELOCITY, |event| event.value);
    Some(RelayedNote {
        sent_ms: batch.time,
        sender_instance: velocity.saturating_sub(NOTE_VELOCITY),
        note_ons: u64::from(first.is_some()) + note_ons.count() as u64,
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
            note_ons: 1,
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

    #[test]
    fn a_batch_counts_its_note_ons_and_takes_the_instance_from_the_first() {
        let event = |kind: NoteEventKind, value| NoteEvent {
            offset_ms: 0,
            kind: kind as i32,
            key: 60,
            value,
        };
        let frame = batch(
            5.0,
            vec![
                event(NoteEventKind::ControlChange, 127),
                event(NoteEventKind::NoteOff, 0),
                event(NoteEventKind::NoteOn, velocity(2)),
                event(NoteEventKind::NoteOn, velocity(2)),
            ],
        );
        let relayed = relayed_note(Target::Relay, &frame).unwrap();
        assert_eq!((relayed.sender_instance, relayed.note_ons), (2, 2));
        let releases = batch(5.0, vec![event(NoteEventKind::NoteOff, 0)]);
        assert_eq!(relayed_note(Target::Relay, &releases).unwrap().note_ons, 0);
    }
}
