//! Sheet music in the UI: the library (`/sheets`), uploading (`/sheets/new`) and one sheet
//! with its notes (`/sheets/<id>`), played there or into the player's room.
//!
//! In a room, a MIDI file from the player's computer and the recorder share the sheet
//! player's code; they come with the pages, in one module.
//!
//! - `library`, `upload`, `detail`: the pages
//! - `player`: the practice view's controls (play, pause, stop, tempo, "Play in room")
//! - `midi_file`: a room's "Open MIDI file" panel and the file's player
//! - `record`: a room's "Recording" panel and the recorder
//! - `module`: the pages and the room's tools as one wasm module, fetched on first use

mod detail;
mod library;
mod midi_file;
mod module;
mod player;
mod record;
mod upload;

pub use midi_file::MidiFilePanel;
#[cfg(feature = "hydrate")]
pub use module::__preload_sheet_music;
pub use module::{fetch_for_tool, sheet_music, Page, SheetMusic};
pub use record::RecordPanel;

/// The difficulties, as stored and as shown.
pub const DIFFICULTIES: [(&str, &str); 4] = [
    ("beginner", "Beginner"),
    ("intermediate", "Intermediate"),
    ("advanced", "Advanced"),
    ("expert", "Expert"),
];

/// The difficulties as a select's options.
fn difficulty_options() -> impl leptos::IntoView {
    use leptos::prelude::*;
    DIFFICULTIES
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view()
}
