//! What the sheet music pages and the REST API exchange with the server.

use serde::{Deserialize, Serialize};

/// A sheet as listed and shown (the seed's sheet JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SheetSummary {
    /// Its address: `/sheets/<id>`.
    pub id: String,
    /// Shown in the list and searched.
    pub title: String,
    /// The uploader's usertag.
    pub creator: String,
    /// Words to find it by, searched like the title.
    pub tags: Vec<String>,
    /// Lower-cased, compared exactly by the filter.
    pub category: String,
    /// "beginner", "intermediate", "advanced" or "expert".
    pub difficulty: String,
    /// How many players keep it among their favourites.
    pub favorites: u64,
    /// How many times it was downloaded.
    pub downloads: u64,
    /// Unix ms.
    pub created_at: i64,
    /// "virtual_piano" or "midi": what was uploaded.
    pub format: String,
}

/// One page of search results and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SheetResults {
    /// This page, newest first.
    pub data: Vec<SheetSummary>,
    /// Every match, for the pager.
    pub total: u64,
}

/// A search, as the seed defines it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SheetQuery {
    /// Literal text, found anywhere in a title, a creator's usertag or a tag, ignoring case.
    #[serde(default)]
    pub query: String,
    /// Only sheets of this category, compared ignoring case.
    pub category: Option<String>,
    /// Only sheets of this difficulty.
    pub difficulty: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u32>,
    /// How many results to pass over.
    pub skip: Option<u64>,
}

/// Whether the caller keeps a sheet among their favourites, and its count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FavoriteState {
    /// Whether the caller keeps it now: the button's state.
    pub favorited: bool,
    /// How many players keep it, shown next to the button.
    pub favorites: u64,
}

/// One note of a sheet, for the practice view.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PracticeNote {
    /// From the start, at the sheet's own tempo.
    pub start_ms: f64,
    /// How long it is held, at the sheet's own tempo.
    pub duration_ms: f64,
    /// MIDI key.
    pub key: u8,
    /// How hard it is struck (MIDI, 1–127).
    pub velocity: u8,
}

impl PracticeNote {
    pub fn new(start_ms: f64, duration_ms: f64, key: u8, velocity: u8) -> Self {
        Self {
            start_ms,
            duration_ms,
            key,
            velocity,
        }
    }
}

/// The sustain pedal going down or up, for the practice view.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PracticePedal {
    /// From the start, at the sheet's own tempo.
    pub at_ms: f64,
    /// Whether the pedal is down from then on.
    pub down: bool,
}

/// What a room heard while it was recorded: notes and pedal from the recording's start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Recording {
    /// Every note, in order of its start.
    pub notes: Vec<PracticeNote>,
    /// The sustain pedal: down while any player held theirs.
    pub pedal: Vec<PracticePedal>,
}

/// A sheet's fields as its edit form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SheetEdit {
    /// The new title.
    pub title: String,
    /// Free text, compared ignoring case.
    pub category: String,
    /// "beginner", "intermediate", "advanced" or "expert".
    pub difficulty: String,
    /// Comma-separated.
    pub tags: String,
}

/// A recording to keep as a sheet, with the fields an upload has.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SavedRecording {
    /// The sheet's title.
    pub title: String,
    /// Free text, compared ignoring case.
    pub category: String,
    /// "beginner", "intermediate", "advanced" or "expert".
    pub difficulty: String,
    /// Comma-separated.
    pub tags: String,
    /// The notes to keep.
    pub recording: Recording,
}

/// What `/sheets/<id>` renders on the server: the sheet without its notes, which the page
/// fetches once it runs in the browser (a big sheet's notes are megabytes of JSON, too much to
/// render and embed in every page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SheetOverview {
    /// What the library lists of it.
    pub sheet: SheetSummary,
    /// Whether the viewer may edit or delete it (its uploader, or a moderator).
    pub can_edit: bool,
}

/// A sheet with its notes, as `GET /api/v1/sheet_music/<id>` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SheetDetail {
    /// What the library lists of it.
    pub sheet: SheetSummary,
    /// Every note, in order.
    pub notes: Vec<PracticeNote>,
    /// The sustain pedal's changes, in order.
    pub pedal: Vec<PracticePedal>,
    /// The sheet's own tempo.
    pub tempo_bpm: f64,
    /// Whether the viewer may edit or delete it (its uploader, or a moderator).
    pub can_edit: bool,
}
