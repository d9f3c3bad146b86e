//! Notes in and out: the player's own (heard at once, sent at once) and other players' (kept
//! in their rhythm by an adaptive playout delay, then played on the audio clock and sent to
//! the chosen MIDI output at the same moment).

use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
};

use leptos::prelude::*;
use pianorhythm_core::{
    playout::PlayoutDelay,
    protocol::{
        client_message::Kind as Request, ClientMessage, NoteBatch, NoteEvent, NoteEventKind,
    },
};

use super::{audio, events, frames, midi, page_ms, recorder, socket, trail};
use crate::live::Live;

const LOCAL: &str = "local";
pub(super) const SUSTAIN_PEDAL: u32 = 64;
/// MIDI status bytes (channel 1) of what goes to a MIDI output.
const NOTE_ON: u8 = 0x90;
const NOTE_OFF: u8 = 0x80;
const CONTROL_CHANGE: u8 = 0xB0;

thread_local! {
    /// One playout delay per remote player: each has their own network path.
    static PLAYOUT: RefCell<HashMap<String, PlayoutDelay>> = RefCell::default();
    /// When the audio output's latency was last read (page time, ms).
    static LATENCY_READ_AT: Cell<f64> = const { Cell::new(f64::NEG_INFINITY) };
}

pub fn play_local(live: &Live, note: u8, velocity: u8, on: bool) {
    let now = socket::server_now();
    let voice = if on {
        audio::note_on(LOCAL, note, velocity, 0.0)
    } else {
        audio::note_off(LOCAL, note, 0.0);
        None
    };
    recorder::note(LOCAL, note, velocity, on, now);
    let color = live
        .me
        .with_untracked(|me| me.as_ref().map(|me| me.color.clone()))
        .unwrap_or_else(|| "#7aa2ff".into());
    trail::note(LOCAL, note, &color, on, page_ms());
    if let Some(key) = live.key(note) {
        key.set(on.then_some(color));
    }
    events::dispatch(events::NoteEvent {
        source: "local",
        sender: &live
            .me
            .with_untracked(|me| me.as_ref().map(|me| me.id.clone()).unwrap_or_default()),
        note,
        velocity: if on { velocity } else { 0 },
        on,
        sent_at: now,
        received_at: now,
        handled_at: now,
        scheduled_at: now,
        voice: voice.map(audio::VoiceKind::name),
    });
    let (kind, value) = if on {
        (NoteEventKind::NoteOn, u32::from(velocity))
    } else {
        (NoteEventKind::NoteOff, 0)
    };
    send_now(now, kind, u32::from(note), value);
}

pub fn pedal_local(_live: &Live, down: bool) {
    let now = socket::server_now();
    audio::pedal(LOCAL, down, 0.0);
    recorder::pedal(LOCAL, down, now);
    let value = if down { 127 } else { 0 };
    send_now(now, NoteEventKind::ControlChange, SUSTAIN_PEDAL, value);
}

/// The player picks a SoundFont preset (`None`: the piano). Their own notes sound with it at
/// once; the room hears of it in the note stream, so notes already on their way keep the
/// instrument they were played with.
pub fn choose_patch_local(patch: Option<audio::Patch>) {
    hear_patch_local(patch);
    if let Some((bank, program)) = patch {
        let kind = NoteEventKind::ProgramChange;
        send_now(socket::server_now(), kind, program.into(), bank.into());
    }
}

/// The player's own preset, heard here only: nothing is sent.
pub fn hear_patch_local(patch: Option<audio::Patch>) {
    audio::set_patch(LOCAL, patch);
}

/// Notes leave at once, each in its own batch stamped with the server time it was played:
/// nothing waits to be grouped, so nothing is late before it has even left.
fn send_now(server_time: f64, kind: NoteEventKind, key: u32, value: u32) {
    send_batch(NoteBatch {
        time: server_time,
        events: vec![NoteEvent {
            offset_ms: 0,
            kind: kind as i32,
            key,
            value,
        }],
    });
}

/// Sends the player's notes to the room.
pub(super) fn send_batch(batch: NoteBatch) {
    socket::send(ClientMessage::from_kind(Request::Notes(batch)));
}

/// Another player's notes, which arrived at `received` (server time): schedules each at its
/// sender's time plus the playout delay. The delay is learnt from the arrival times, which
/// only the network shapes; a note the page itself got to after its slot plays at once.
pub fn play_remote(live: &Live, sender: &str, batch: &NoteBatch, received: f64) {
    let handled = socket::server_now();
    let color = live.color_of(sender).unwrap_or_else(|| "#f2c14e".into());
    let muted = live
        .muted
        .with_untracked(|muted| muted.iter().any(|id| id == sender));
    let audio_now = audio::current_time();
    let page_now = super::page_ms();
    PLAYOUT.with_borrow_mut(|playout| {
        let playout = playout.entry(sender.to_owned()).or_default();
        for event in &batch.events {
            let sent = batch.time + f64::from(event.offset_ms);
            let slot = playout.schedule(sent, received);
            let play_at = slot.play_at.max(handled);
            let wait_ms = play_at - handled;
            let at = audio_now.map(|now| now + wait_ms / 1000.0).unwrap_or(0.0);
            let Ok(note) = u8::try_from(event.key) else {
                continue;
            };
            let velocity = u8::try_from(event.value).unwrap_or(127);
            match event.kind() {
                NoteEventKind::NoteOn | NoteEventKind::NoteOff => {
                    let on = event.kind() == NoteEventKind::NoteOn;
                    recorder::note(sender, note, velocity, on, play_at);
                    let mut voice = None;
                    if !muted {
                        if on {
                            voice = audio::note_on(sender, note, velocity, at);
                            midi::send(&[NOTE_ON, note, velocity], page_now + wait_ms);
                        } else {
                            audio::note_off(sender, note, at);
                            midi::send(&[NOTE_OFF, note, 0], page_now + wait_ms);
                        }
                    }
                    light_later(live, note, on.then(|| color.clone()), wait_ms);
                    trail::note(sender, note, &color, on, page_now + wait_ms);
                    events::dispatch(events::NoteEvent {
                        source: "remote",
                        sender,
                        note,
                        velocity: if on { velocity } else { 0 },
                        on,
                        sent_at: sent,
                        received_at: received,
                        handled_at: handled,
                        scheduled_at: play_at,
                        voice: voice.map(audio::VoiceKind::name),
                    });
                }
                NoteEventKind::ControlChange if event.key == SUSTAIN_PEDAL => {
                    audio::pedal(sender, event.value >= 64, at);
                    recorder::pedal(sender, event.value >= 64, play_at);
                    if !muted {
                        let value = if event.value >= 64 { 127 } else { 0 };
                        midi::send(
                            &[CONTROL_CHANGE, SUSTAIN_PEDAL as u8, value],
                            page_now + wait_ms,
                        );
                    }
                }
                NoteEventKind::ControlChange => {}
                NoteEventKind::ProgramChange => {
                    // From here on in their stream, the sender plays this preset.
                    if let (Ok(bank), Ok(program)) =
                        (u8::try_from(event.value), u8::try_from(event.key))
                    {
                        audio::set_patch(sender, Some((bank, program)));
                    }
                }
            }
        }
    });
    // The figure shown is the longest delay of any player, so it does not flip between
    // players' delays batch after batch (each change is a restyle and a layout). It is
    // redrawn only when it moves by half a millisecond.
    set_if_moved(live.playout_ms, longest_delay_ms());
    // The output's latency can change (another device, another buffer size): read again
    // now and then, not for every batch.
    if LATENCY_READ_AT.get() + LATENCY_READ_EVERY_MS <= page_now {
        LATENCY_READ_AT.set(page_now);
        if let Some(audio_ms) = audio::output_latency_ms() {
            set_if_moved(live.audio_latency_ms, audio_ms);
        }
    }
}

/// How often the audio output's latency is read again while notes arrive, in ms.
const LATENCY_READ_EVERY_MS: f64 = 1_000.0;

/// The longest playout delay of the players heard, in ms.
fn longest_delay_ms() -> f64 {
    PLAYOUT.with_borrow(|playout| {
        playout
            .values()
            .map(PlayoutDelay::delay_ms)
            .fold(0.0, f64::max)
    })
}

fn set_if_moved(figure: RwSignal<f64>, value: f64) {
    if (figure.get_untracked() - value).abs() >= 0.5 {
        figure.set(value);
    }
}

/// Lights `note`'s key (or turns it off) in `wait_ms`, at the first frame from then.
pub(super) fn light_later(live: &Live, note: u8, light: Option<String>, wait_ms: f64) {
    if let Some(key) = live.key(note) {
        frames::light(key, light, page_ms() + wait_ms);
    }
}

/// Forget a departed player's timing.
pub fn forget(sender: &str) {
    PLAYOUT.with_borrow_mut(|playout| playout.remove(sender));
}
