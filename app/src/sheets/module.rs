//! The sheet music module: the sheet pages, and the room's occasional tools (a MIDI file's
//! player, the recorder, the player list's report and site ban forms and the owner's and
//! staff's buttons, the owner's settings form, the chat's commands, the browser's own
//! notifications), in one wasm module fetched on first use. A room's first visit does not wait for code most visits never run:
//! each tool's control (a heading, the button that starts it) is in the room's module and works
//! at once, and what the tool shows once started comes from here. One module rather than one
//! per tool: every module brings the code it shares with each other module as further files.

use leptos::prelude::*;
use pianorhythm_core::protocol::RoomInfo;

use super::{detail::SheetPage, library::SheetsPage, midi_file, record, upload::NewSheetPage};
use crate::{
    account::{self, PlayerMenu, PlayerTool},
    components::settings_form::SettingsForm,
    live::{use_live, Live},
    room_tools::{commands, moderation::ModerationButtons},
};

/// The sheet music pages.
pub enum Page {
    /// `/sheets`: the library.
    Library,
    /// `/sheets/new`: uploading a sheet.
    New,
    /// `/sheets/<id>`: one sheet.
    Sheet,
}

/// What the module gives: its pages, and a view for each room tool once started.
#[derive(Clone, Copy)]
pub struct SheetMusic {
    /// One of the sheet pages.
    pub page: fn(Page) -> AnyView,
    /// A MIDI file's player, reading and playing the file the player chose.
    pub midi_file_player: fn(midi_file::ChosenFile) -> AnyView,
    /// A recording under way, and what to do with it once stopped.
    pub recorder: fn() -> AnyView,
    /// The player list's menu about one player: profile, mute, block, report (and staff's
    /// site ban); the forms are the profile pages' too.
    pub player_tool: fn(PlayerTool) -> AnyView,
    /// The owner's and staff's buttons about a player (participant id, name).
    pub moderation: fn(String, String) -> AnyView,
    /// The owner's settings form for the room as it is now.
    pub owner_settings: fn(RoomInfo) -> AnyView,
    /// Runs a chat command the player typed.
    pub chat_command: fn(&Live, String),
    /// Shows a notice as the browser's own notification, if the player wants those and the
    /// tab is hidden (browser only).
    pub notify: fn(&str),
}

/// The module.
#[lazy]
pub fn sheet_music() -> SheetMusic {
    SheetMusic {
        page: |page| {
            account::fill_account_corner();
            match page {
                Page::Library => view! { <SheetsPage/> }.into_any(),
                Page::New => view! { <NewSheetPage/> }.into_any(),
                Page::Sheet => view! { <SheetPage/> }.into_any(),
            }
        },
        midi_file_player: |chosen| view! { <midi_file::Player chosen/> }.into_any(),
        recorder: || view! { <record::Recorder/> }.into_any(),
        player_tool: |tool| view! { <PlayerMenu tool/> }.into_any(),
        moderation: |id, name| view! { <ModerationButtons id name/> }.into_any(),
        owner_settings: |current| {
            let live = use_live();
            let on_submit = Callback::new(move |update| live.update_settings(update));
            view! { <SettingsForm current submit_label="Save settings" on_submit/> }.into_any()
        },
        chat_command: commands::run,
        #[cfg(feature = "hydrate")]
        notify: crate::browser::alerts::show_if_hidden,
        #[cfg(not(feature = "hydrate"))]
        notify: |_| {},
    }
}

/// Fetches the module for a room tool, into `module`; nothing when it is there already.
pub fn fetch_for_tool(module: RwSignal<Option<SheetMusic>>) {
    if module.with_untracked(Option::is_some) {
        return;
    }
    leptos::task::spawn_local(async move {
        let fetched = sheet_music().await;
        module.set(Some(fetched));
    });
}
