//! Sheet music in the UI: the library (`/sheets`), uploading (`/sheets/new`) and one sheet
//! with its notes (`/sheets/<id>`), played there or into the player's room.
//!
//! - `library`, `upload`, `detail`: the pages
//! - `player`: the practice view's controls (play, pause, stop, tempo, "Play in room")

mod detail;
mod library;
mod player;
mod upload;

pub use detail::SheetPage;
pub use library::SheetsPage;
pub use upload::NewSheetPage;

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
