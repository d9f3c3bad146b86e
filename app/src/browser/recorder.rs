//! The room's recording while "Record" is on: every note this browser plays or schedules
//! (the player's own, other players', a sheet played into the room) at the time it sounds.

use std::cell::RefCell;

use super::socket;
use pianorhythm_api::sheets::Recording;

use crate::music::recording::Recorder;

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
}

/// Starts a new recording from now, dropping any unfinished one.
pub fn start() {
    RECORDER.set(Some(Recorder::new(socket::server_now())));
}

/// Ends the recording; `None` if none was on.
pub fn finish() -> Option<Recording> {
    RECORDER
        .take()
        .map(|recorder| recorder.finish(socket::server_now()))
}

/// A key pressed (`on`) or released by `player` at server time `at`.
pub fn note(player: &str, key: u8, velocity: u8, on: bool, at: f64) {
    RECORDER.with_borrow_mut(|recorder| match recorder {
        Some(recorder) if on => recorder.note_on(player, key, velocity, at),
        Some(recorder) => recorder.note_off(player, key, at),
        None => {}
    });
}

/// `player`'s sustain pedal at server time `at`.
pub fn pedal(player: &str, down: bool, at: f64) {
    RECORDER.with_borrow_mut(|recorder| {
        if let Some(recorder) = recorder {
            recorder.pedal(player, down, at);
        }
    });
}
