//! Plays a sheet in the browser: on the player's own speakers, or into their room as their
//! notes, which everyone there hears in the sheet's rhythm.
//!
//! A ticker hands the [`Playback`] the time every few milliseconds and performs what is due
//! within the look-ahead: each note is scheduled on the audio clock at its exact time, and into
//! a room it is sent ahead, stamped with the server time it sounds at. Listeners play notes at
//! their stamp (plus their playout delay), so a late timer in this browser does not bend the
//! rhythm they hear. The ticker runs in a worker ([`Ticker`]), so the look-ahead keeps ahead in
//! a hidden tab too, whose own timers the browser slows down. The room's note quota and "who
//! may play" apply as to any notes; into a room the sheet stops as soon as the player is no
//! longer in it.

use std::{cell::RefCell, time::Duration};

use leptos::prelude::*;
use pianorhythm_core::{
    notes::MAX_EVENTS_PER_BATCH,
    protocol::{NoteBatch, NoteEvent, NoteEventKind},
};

use super::{audio, events, notes, recorder, socket, ticker::Ticker};
use crate::{
    live::Live,
    music::{
        play_state::{PlayState, PlayerSignals},
        playback::{Cue, Playback, Timed},
    },
};
use pianorhythm_core::sheet_format::Score;

/// How often the ticker runs, in ms.
const TICK_MS: u64 = 20;
/// How far ahead notes are handed out when the sheet plays for the player alone, in ms: more
/// than a tick plus a timer's usual lateness, little enough that pausing and tempo changes are
/// felt at once.
const LOOKAHEAD_MS: f64 = 150.0;
/// How far ahead notes are sent when the sheet plays into a room, in ms. Every listener plays a
/// note at its stamp, so a note sent before its time keeps its place in the rhythm however late
/// the page ran; one sent after it does not. A busy machine stalls the page's main thread for
/// a few hundred ms at times (measured: end2end/measure/midi_file.spec.ts), so the notes leave
/// half a second ahead, well inside the server's 5 s limit on stamps from the future; pausing
/// and tempo changes reach the room that much later.
const ROOM_LOOKAHEAD_MS: f64 = 500.0;
/// Longest span of one batch, in ms, well inside what the server accepts.
const BATCH_SPAN_MS: f64 = 1_000.0;
/// The voice (and the recorder's player) of a sheet being played.
const SHEET: &str = "sheet";

struct Active {
    /// Which [`load`] this is, so that only the page that loaded the sheet unloads it.
    id: u64,
    /// The sheet and where it stands.
    playback: Playback,
    /// What the page shows of it.
    signals: PlayerSignals,
    /// The player: their room, colour and lit keys.
    live: Live,
    /// The room the notes go to (its id); `None` when the sheet plays for the player alone.
    room: Option<String>,
    /// Runs while the sheet plays.
    ticker: Option<Ticker>,
}

impl Active {
    /// How far ahead cues are handed out: see [`LOOKAHEAD_MS`] and [`ROOM_LOOKAHEAD_MS`].
    fn lookahead_ms(&self) -> f64 {
        if self.room.is_some() {
            ROOM_LOOKAHEAD_MS
        } else {
            LOOKAHEAD_MS
        }
    }
}

thread_local! {
    /// The sheet on the page: one at a time.
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
    /// The id the next [`load`] gets.
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Readies a sheet to play, in place of any other; answers the id to [`unload`] it with.
pub fn load(live: Live, playback: Playback, signals: PlayerSignals) -> u64 {
    stop();
    let id = NEXT_ID.get();
    NEXT_ID.set(id + 1);
    ACTIVE.set(Some(Active {
        id,
        playback,
        signals,
        live,
        room: None,
        ticker: None,
    }));
    id
}

/// Stops the sheet `id` (releasing its notes) and forgets it: the page that loaded it is gone.
/// A sheet another page loaded since plays on (the next page may load before the last one is
/// cleaned up).
pub fn unload(id: u64) {
    if ACTIVE.with_borrow(|active| active.as_ref().is_some_and(|active| active.id == id)) {
        stop();
        ACTIVE.set(None);
    }
}

/// Plays for the player alone, or into the room they are in.
pub fn play(into_room: bool) {
    with_active(|active| {
        let room = if into_room {
            let Some(room) = active.live.room.get_untracked() else {
                return;
            };
            Some(room.id)
        } else {
            None
        };
        if active.playback.is_playing() {
            if active.room == room {
                return;
            }
            let releases = active.playback.pause();
            perform(active, &releases);
        }
        active.room = room;
        active
            .playback
            .play(socket::server_now() + active.lookahead_ms());
        if active.ticker.is_none() {
            active.ticker = Ticker::start(Duration::from_millis(TICK_MS), tick);
        }
        active.signals.into_room.set(into_room);
        active.signals.state.set(PlayState::Playing);
    });
}

pub fn pause() {
    with_active(|active| {
        if active.playback.is_playing() {
            let releases = active.playback.pause();
            perform(active, &releases);
            halt(active, PlayState::Paused);
        }
    });
}

pub fn stop() {
    with_active(|active| {
        let releases = active.playback.stop();
        perform(active, &releases);
        halt(active, PlayState::Stopped);
    });
}

/// 1.0 is the sheet's own tempo.
pub fn set_speed(speed: f64) {
    with_active(|active| active.playback.set_speed(speed));
}

/// Moves to `position_ms` of the sheet, playing or paused.
pub fn seek(position_ms: f64) {
    with_active(|active| {
        let releases = active.playback.seek(position_ms);
        perform(active, &releases);
        show_position(active);
    });
}

/// Plays `score` from here on: the same music with other parts chosen.
pub fn set_score(score: &Score) {
    with_active(|active| {
        let releases = active.playback.set_score(score);
        perform(active, &releases);
    });
}

fn with_active(action: impl FnOnce(&mut Active)) {
    ACTIVE.with_borrow_mut(|active| {
        if let Some(active) = active {
            action(active);
        }
    });
}

fn tick() {
    with_active(|active| {
        let now = socket::server_now();
        if let Some(room) = &active.room {
            let still_there = active.live.room.with_untracked(|current| {
                current.as_ref().is_some_and(|current| &current.id == room)
            });
            if !still_there {
                // Out of the room: nothing more may be sent there; stop for this player too.
                active.room = None;
                let releases = active.playback.stop();
                perform(active, &releases);
                halt(active, PlayState::Stopped);
                return;
            }
        }
        let due = active.playback.due(now + active.lookahead_ms());
        perform(active, &due);
        if active.playback.finished(now) {
            active.playback.stop();
            halt(active, PlayState::Stopped);
        } else {
            show_position(active);
        }
    });
}

/// Stops the ticker and tells the page.
fn halt(active: &mut Active, state: PlayState) {
    active.ticker = None;
    show_position(active);
    active.signals.state.set(state);
}

/// Tells the page where the music is now.
fn show_position(active: &Active) {
    active
        .signals
        .position_ms
        .set(active.playback.position_ms(socket::server_now()));
}

/// Sounds the cues here, lights the keys, and sends them to the room when playing into one.
fn perform(active: &Active, cues: &[Timed]) {
    if cues.is_empty() {
        return;
    }
    let now = socket::server_now();
    let audio_now = audio::current_time();
    let (me, color) = active.live.me.with_untracked(|me| {
        me.as_ref()
            .map(|me| (me.id.clone(), me.color.clone()))
            .unwrap_or_default()
    });
    for timed in cues {
        let wait_ms = (timed.at - now).max(0.0);
        let at = audio_now.map_or(0.0, |audio_now| audio_now + wait_ms / 1000.0);
        match timed.cue {
            Cue::NoteOn { key, velocity } => {
                let voice = audio::note_on(SHEET, key, velocity, at);
                notes::light_later(&active.live, key, Some(color.clone()), wait_ms);
                announce(&me, key, velocity, timed.at, now, voice);
            }
            Cue::NoteOff { key } => {
                audio::note_off(SHEET, key, at);
                notes::light_later(&active.live, key, None, wait_ms);
                announce(&me, key, 0, timed.at, now, None);
            }
            Cue::Pedal { down } => audio::pedal(SHEET, down, at),
        }
        if active.room.is_some() {
            record(timed);
        }
    }
    if active.room.is_some() {
        for batch in batches(cues) {
            notes::send_batch(batch);
        }
    }
}

/// The `pianorhythm:note` event of a sheet's note.
fn announce(me: &str, key: u8, velocity: u8, at: f64, now: f64, voice: Option<audio::VoiceKind>) {
    events::dispatch(events::NoteEvent {
        source: SHEET,
        sender: me,
        note: key,
        velocity,
        on: velocity > 0,
        sent_at: at,
        received_at: now,
        handled_at: now,
        scheduled_at: at,
        voice: voice.map(audio::VoiceKind::name),
    });
}

/// What the room hears of the sheet goes into its recording, if one is on.
fn record(timed: &Timed) {
    match timed.cue {
        Cue::NoteOn { key, velocity } => recorder::note(SHEET, key, velocity, true, timed.at),
        Cue::NoteOff { key } => recorder::note(SHEET, key, 0, false, timed.at),
        Cue::Pedal { down } => recorder::pedal(SHEET, down, timed.at),
    }
}

/// The cues as note batches: each stamped with its first cue's time, the others at their
/// offsets from it.
fn batches(cues: &[Timed]) -> Vec<NoteBatch> {
    let mut batches: Vec<NoteBatch> = Vec::new();
    for timed in cues {
        let fits = batches.last().is_some_and(|batch| {
            batch.events.len() < MAX_EVENTS_PER_BATCH && timed.at - batch.time <= BATCH_SPAN_MS
        });
        if !fits {
            batches.push(NoteBatch {
                time: timed.at,
                events: Vec::new(),
            });
        }
        let batch = batches.last_mut().expect("a batch was just made");
        let (kind, key, value) = match timed.cue {
            Cue::NoteOn { key, velocity } => {
                (NoteEventKind::NoteOn, u32::from(key), u32::from(velocity))
            }
            Cue::NoteOff { key } => (NoteEventKind::NoteOff, u32::from(key), 0),
            Cue::Pedal { down } => (
                NoteEventKind::ControlChange,
                notes::SUSTAIN_PEDAL,
                if down { 127 } else { 0 },
            ),
        };
        batch.events.push(NoteEvent {
            offset_ms: (timed.at - batch.time).max(0.0).round() as u32,
            kind: kind as i32,
            key,
            value,
        });
    }
    batches
}
