//! Sheet music in the UI: the library (`/sheets`), uploading (`/sheets/new`) and one sheet
//! with its notes (`/sheets/<id>`).

mod detail;
mod library;
mod types;
mod upload;

pub use detail::SheetPage;
pub use library::SheetsPage;
pub use types::*;
pub use upload::NewSheetPage;

/// The difficulties, as stored and as shown.
pub const DIFFICULTIES: [(&str, &str); 4] = [
    ("beginner", "Beginner"),
    ("intermediate", "Intermediate"),
    ("advanced", "Advanced"),
    ("expert", "Expert"),
];
