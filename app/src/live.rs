//! The player's live view of the server: connection, rooms, the current room, chat and the
//! piano's lit keys, as signals the components render.
//!
//! On the server (SSR) it starts empty and stays so; in the browser the WebSocket client fills
//! it, and the methods here send the player's actions through the [`Outlet`] the app gives it.
//! Components never touch the socket.
//!
//! - `chat_lines`: the chat as shown: the room's messages and the page's own lines
//! - `connection`: where the connection to the server stands
//! - `outlet`: where the player's actions go (the socket and the synthesizer, or nowhere)

use std::sync::Arc;

use leptos::prelude::*;
use pianorhythm_core::{
    keyboard_layout::Layout,
    notes::{HIGHEST_KEY, LOWEST_KEY},
    protocol::{
        client_message::Kind as Request, BanPlayer, ChatMessage, ChatSend, ClientMessage,
        CreateRoom, DeleteChatMessage, ErrorCode, FriendPresence, GiveCrown, Inbox, Instrument,
        InstrumentChoice, JoinRoom, KickPlayer, LeaveRoom, MutePlayer, Participant, RoomInfo,
        RoomSettingsUpdate, RoomSummary, SetProfile, SubscribeRoomList,
    },
};

mod chat_lines;
mod connection;
mod direct_messages;
mod outlet;

pub use connection::ConnectionStatus;
pub use direct_messages::Answered;
pub use outlet::Outlet;

/// Where the player stands with the room they asked to be in.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinState {
    Idle,
    Joining,
    Joined,
    Refused { code: ErrorCode, message: String },
}

/// What the server pushes a member about their friends and inbox, in one signal (each signal
/// type costs the page code of its own).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SocialNews {
    /// Where friends are, as the server last told (newer than any list of friends read).
    pub friends: Vec<FriendPresence>,
    /// The inbox as last told: the header's counts, and the message or notice that changed
    /// them (empty until told).
    pub inbox: Inbox,
}

/// A key's light: the colour of whoever is playing it.
pub type KeyLight = Option<String>;

#[derive(Clone)]
pub struct Live {
    pub status: RwSignal<ConnectionStatus>,
    pub me: RwSignal<Option<Participant>>,
    /// The player's role as the server says ("guest", "member", ..., "moderator", "admin").
    pub role: RwSignal<String>,
    /// Public rooms, pushed by the server; `None` until the first list arrives.
    pub rooms: RwSignal<Option<Vec<RoomSummary>>>,
    /// What the server pushes a member about their friends and inbox.
    pub social: RwSignal<SocialNews>,
    /// Whether a page showing the room list is open: the server pushes it only then, and is
    /// asked again after a reconnect.
    pub shows_room_list: RwSignal<bool>,
    pub room: RwSignal<Option<RoomInfo>>,
    pub players: RwSignal<Vec<Participant>>,
    /// The room's chat as shown; lines without a sender are the page's own (`chat_lines`).
    pub chat: RwSignal<Vec<ChatMessage>>,
    pub join: RwSignal<JoinState>,
    /// The room this page wants to be in (name and password), joined again after a reconnect.
    pub wanted_room: RwSignal<Option<(String, Option<String>)>>,
    /// The last problem worth telling the player about.
    pub notice: RwSignal<Option<String>>,
    /// The largest playout delay in use for remote players, in ms.
    pub playout_ms: RwSignal<f64>,
    /// From the audio clock to the speakers (the context's and the device's latency), in ms.
    pub audio_latency_ms: RwSignal<f64>,
    /// Whether the note trail is drawn above the keys.
    pub show_trail: RwSignal<bool>,
    pub audio_ready: RwSignal<bool>,
    /// The grand piano's samples: how many have loaded of how many (0 of 0 before the list).
    pub piano_samples: RwSignal<(usize, usize)>,
    /// The SoundFont the player opened, if any.
    pub soundfont: RwSignal<SoundFontState>,
    /// The preset the player plays with (none: the piano).
    pub instrument: RwSignal<Option<Instrument>>,
    pub volume: RwSignal<f64>,
    pub muted: RwSignal<Vec<String>>,
    pub layout: RwSignal<Layout>,
    pub octave_shift: RwSignal<i8>,
    pub midi: RwSignal<MidiState>,
    keys: Arc<Vec<RwSignal<KeyLight>>>,
    /// Direct messages sent over the socket that wait for the server's answer.
    answers: direct_messages::SharedAnswers,
    /// Where the player's actions go.
    outlet: Outlet,
}

/// What the player's Web MIDI looks like.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MidiState {
    /// Whether the player has asked for MIDI (access is asked for on that click).
    pub requested: bool,
    /// `(id, name)` of each connected input.
    pub inputs: Vec<(String, String)>,
    /// The input played from.
    pub selected: Option<String>,
    /// `(id, name)` of each connected output.
    pub outputs: Vec<(String, String)>,
    /// The output the room's notes are sent to; none unless the player picks one.
    pub selected_output: Option<String>,
    /// What went wrong, for the player.
    pub error: Option<String>,
}

/// The player's SoundFont, as the instrument panel shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SoundFontState {
    /// The file's name; empty before one is opened.
    pub file: String,
    /// Its presets, by bank and program.
    pub presets: Vec<Instrument>,
    /// Whether it is being read.
    pub loading: bool,
    /// Why the last file could not be played.
    pub error: Option<String>,
}

/// A built-in General MIDI instrument, as the instrument list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltInInstrument {
    pub bank: u32,
    pub program: u32,
    /// General MIDI's name ("Violin").
    pub name: String,
    /// General MIDI's family ("Strings"), "Drum kits" for the kits.
    pub family: String,
}

impl Live {
    pub fn new(outlet: Outlet) -> Self {
        let keys = (LOWEST_KEY..=HIGHEST_KEY)
            .map(|_| RwSignal::new(None))
            .collect();
        Self {
            status: RwSignal::new(ConnectionStatus::Offline),
            me: RwSignal::new(None),
            role: RwSignal::new(String::new()),
            rooms: RwSignal::new(None),
            shows_room_list: RwSignal::new(false),
            room: RwSignal::new(None),
            players: RwSignal::new(Vec::new()),
            chat: RwSignal::new(Vec::new()),
            join: RwSignal::new(JoinState::Idle),
            wanted_room: RwSignal::new(None),
            notice: RwSignal::new(None),
            playout_ms: RwSignal::new(0.0),
            audio_ready: RwSignal::new(false),
            audio_latency_ms: RwSignal::new(0.0),
            show_trail: RwSignal::new(true),
            piano_samples: RwSignal::new((0, 0)),
            soundfont: RwSignal::new(SoundFontState::default()),
            instrument: RwSignal::new(None),
            volume: RwSignal::new(0.8),
            muted: RwSignal::new(Vec::new()),
            social: RwSignal::new(SocialNews::default()),
            layout: RwSignal::new(Layout::VirtualPiano),
            octave_shift: RwSignal::new(0),
            midi: RwSignal::new(MidiState::default()),
            keys: Arc::new(keys),
            answers: Default::default(),
            outlet,
        }
    }

    /// The light of one piano key (MIDI number); `None` outside the 88 keys.
    pub fn key(&self, note: u8) -> Option<RwSignal<KeyLight>> {
        let index = note.checked_sub(LOWEST_KEY)?;
        self.keys.get(usize::from(index)).copied()
    }

    pub fn am_owner(&self) -> bool {
        match (self.room.get(), self.me.get()) {
            (Some(room), Some(me)) => !room.owner_id.is_empty() && room.owner_id == me.id,
            _ => false,
        }
    }

    /// Moderators and admins moderate every room (the server checks again).
    pub fn am_staff(&self) -> bool {
        matches!(self.role.get().as_str(), "moderator" | "admin")
    }

    /// Whether this player may kick, ban and silence here: the owner, or staff.
    pub fn may_moderate(&self) -> bool {
        self.am_owner() || self.am_staff()
    }

    /// A player in the room, by participant id.
    pub fn player(&self, participant_id: &str) -> Option<Participant> {
        self.players
            .with_untracked(|players| players.iter().find(|p| p.id == participant_id).cloned())
    }

    /// The colour a participant plays in.
    pub fn color_of(&self, participant_id: &str) -> Option<String> {
        self.player(participant_id).map(|p| p.color)
    }

    /// Sends to the server; on the server side of SSR there is no connection, and nothing to do.
    fn send(&self, request: Request) {
        (self.outlet.send)(ClientMessage::from_kind(request));
    }

    /// Starts (or stops) the server's pushes of the room list, for the page that shows it.
    pub fn show_room_list(&self, shown: bool) {
        self.shows_room_list.set(shown);
        self.send(Request::SubscribeRoomList(SubscribeRoomList {
            enabled: shown,
        }));
    }

    pub fn join_room(&self, name: String, password: Option<String>) {
        self.wanted_room.set(Some((name.clone(), password.clone())));
        self.join.set(JoinState::Joining);
        self.send(Request::Join(JoinRoom {
            room: name,
            password,
        }));
    }

    pub fn create_room(&self, settings: RoomSettingsUpdate) {
        let name = settings.name.clone().unwrap_or_default();
        self.wanted_room
            .set(Some((name, settings.password.clone())));
        self.join.set(JoinState::Joining);
        self.send(Request::Create(CreateRoom {
            settings: Some(settings),
        }));
    }

    pub fn leave_room(&self) {
        self.wanted_room.set(None);
        self.join.set(JoinState::Idle);
        self.room.set(None);
        self.players.set(Vec::new());
        self.chat.set(Vec::new());
        self.send(Request::Leave(LeaveRoom {}));
    }

    pub fn chat(&self, text: String) {
        self.send(Request::Chat(ChatSend { text }));
    }

    pub fn update_settings(&self, update: RoomSettingsUpdate) {
        self.send(Request::UpdateSettings(update));
    }

    pub fn kick(&self, participant_id: String) {
        self.send(Request::Kick(KickPlayer { participant_id }));
    }

    pub fn ban(&self, participant_id: String, duration_seconds: u32) {
        self.send(Request::Ban(BanPlayer {
            participant_id,
            duration_seconds,
            site_wide: false,
        }));
    }

    /// Silences a player's chat in this room, for everyone.
    pub fn silence(&self, participant_id: String, duration_seconds: u32) {
        self.send(Request::Mute(MutePlayer {
            participant_id,
            duration_seconds,
        }));
    }

    pub fn delete_chat(&self, message_id: String) {
        self.send(Request::DeleteChat(DeleteChatMessage { message_id }));
    }

    pub fn give_crown(&self, participant_id: String) {
        self.send(Request::GiveCrown(GiveCrown { participant_id }));
    }

    pub fn set_profile(&self, name: Option<String>, color: Option<String>) {
        self.send(Request::SetProfile(SetProfile {
            name,
            color,
            instrument: None,
        }));
    }

    /// Tells the room which preset the player plays with (`None`: the piano).
    pub fn announce_instrument(&self) {
        let instrument = self.instrument.get_untracked();
        self.send(Request::SetProfile(SetProfile {
            instrument: Some(InstrumentChoice { instrument }),
            ..Default::default()
        }));
    }

    pub fn toggle_mute(&self, participant_id: &str) {
        self.muted.update(|muted| {
            if let Some(index) = muted.iter().position(|id| id == participant_id) {
                muted.remove(index);
            } else {
                muted.push(participant_id.to_owned());
            }
        });
    }

    /// The player plays (or releases) a note: heard and shown at once, sent to the room.
    pub fn play(&self, note: u8, velocity: u8, on: bool) {
        (self.outlet.play)(self, note, velocity, on);
    }

    /// Sustain pedal down or up.
    pub fn pedal(&self, down: bool) {
        (self.outlet.pedal)(self, down);
    }

    /// Shows a notification the server pushed as the browser's own (see [`Outlet::notify`]).
    pub fn notify(&self, notice: String) {
        (self.outlet.notify)(notice);
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// The settings to bring back a room that vanished (the server lost it while we were away):
/// as the player last saw it, with the password they joined with, so it does not come back
/// unprotected.
pub fn recreated_settings(previous: &RoomInfo, password: Option<String>) -> RoomSettingsUpdate {
    RoomSettingsUpdate {
        name: Some(previous.name.clone()),
        private: Some(previous.private),
        max_players: Some(previous.max_players),
        password: password.filter(|_| previous.has_password),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recreated_room_keeps_its_privacy_size_and_password() {
        let previous = RoomInfo {
            name: "Hideout".into(),
            private: true,
            has_password: true,
            max_players: 4,
            ..Default::default()
        };
        let settings = recreated_settings(&previous, Some("letmein".into()));
        assert_eq!(settings.name.as_deref(), Some("Hideout"));
        assert_eq!(settings.private, Some(true));
        assert_eq!(settings.max_players, Some(4));
        assert_eq!(settings.password.as_deref(), Some("letmein"));
        let open = RoomInfo {
            has_password: false,
            ..previous
        };
        assert_eq!(
            recreated_settings(&open, Some("stale".into())).password,
            None
        );
    }
}
