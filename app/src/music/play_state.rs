//! Where the sheet player stands: the practice view shows it, the browser's player sets it.

use leptos::prelude::*;

/// Where a sheet stands, for the page to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayState {
    Stopped,
    Playing,
    Paused,
}

/// What the page shows of the player; the browser's player keeps it up to date.
#[derive(Clone, Copy)]
pub struct PlayerSignals {
    /// Playing, paused or stopped: which controls are enabled and what the status says.
    pub state: RwSignal<PlayState>,
    /// Whether the notes go to the room (rather than to this player alone).
    pub into_room: RwSignal<bool>,
    /// Where the music is, in the sheet's own time (ms).
    pub position_ms: RwSignal<f64>,
}
