//! Music in time, shared by the sheet pages, the room page and the browser code below them.
//!
//! - `playback`: which of a sheet's notes are due when, at what tempo
//! - `recording`: a room's notes, as heard, paired into a recording
//! - `play_state`: where the sheet player stands, as the page shows it

pub mod play_state;
pub mod playback;
pub mod recording;
