//! The server-side services that the pages' server functions reach through Leptos context.
//! The server crate implements them; keeping only the interface here keeps the UI free of
//! server internals.

use std::sync::Arc;

use http::request::Parts;
use pianorhythm_core::rooms::RoomSummary;

use crate::{
    account::{Checked, Profile, ProfileForm, ProviderButton, Settings, SignedIn, Theme},
    inbox::{ConversationPage, ConversationSummary, MessageView, NotificationView},
    rooms::CreateRoomForm,
    sheets::{
        FavoriteState, Recording, SavedRecording, SheetEdit, SheetOverview, SheetQuery,
        SheetResults, SheetSummary,
    },
    social::{BlockForm, BlockedPlayer, FriendView},
    staff::{AuditView, BanView, ReportForm, ReportView, SiteBanForm},
};

/// The live rooms, as the lobby sees them.
#[async_trait::async_trait]
pub trait RoomDirectory: Send + Sync {
    /// Public rooms, the permanent Lobby first.
    fn public_rooms(&self) -> Vec<RoomSummary>;
    /// Creates a room owned by the caller, under the rules and allowances of creating one over
    /// the WebSocket; answers it as the room list shows it, or what went wrong in words.
    async fn create_room(
        &self,
        request: &Parts,
        form: CreateRoomForm,
    ) -> Result<RoomSummary, String>;
}

pub type SharedRoomDirectory = Arc<dyn RoomDirectory>;

/// Hosts avatars may come from (`AVATAR_HOSTS`): the pages' Content Security Policy lets
/// images load from them, and from nowhere else.
#[derive(Clone, Debug, Default)]
pub struct AvatarHosts(pub Arc<[String]>);

/// Accounts, for the account pages. Each call names the request it serves (its session
/// cookie and address say who is asking); errors are messages fit for the player.
#[async_trait::async_trait]
pub trait AccountService: Send + Sync {
    /// The signed-in account, or `None` for a guest.
    async fn signed_in(&self, request: &Parts) -> Option<SignedIn>;
    /// The providers to offer on the sign-in page.
    fn providers(&self) -> Vec<ProviderButton>;
    /// The usertag to offer a first sign-in, or `None` when none is waiting.
    async fn pending_usertag(&self, request: &Parts) -> Option<String>;
    /// Creates the account of a first sign-in; answers the page to go back to.
    async fn choose_usertag(
        &self,
        request: &Parts,
        usertag: String,
    ) -> Result<Checked<String>, String>;
    async fn sign_out(&self, request: &Parts) -> Result<(), String>;
    async fn profile(&self, request: &Parts) -> Result<Profile, String>;
    async fn update_profile(
        &self,
        request: &Parts,
        form: ProfileForm,
    ) -> Result<Checked<Profile>, String>;
    async fn settings(&self, request: &Parts) -> Result<Settings, String>;
    async fn update_settings(
        &self,
        request: &Parts,
        settings: Settings,
    ) -> Result<Checked<Settings>, String>;
    /// Someone's profile by usertag, as the caller may see it.
    async fn public_profile(&self, request: &Parts, usertag: String) -> Result<Profile, String>;
    /// The theme anyone may choose: kept in a member's settings; a guest's is kept in a
    /// cookie by the caller of this.
    async fn choose_theme(&self, request: &Parts, theme: String) -> Result<Checked<Theme>, String>;
}

pub type SharedAccounts = Arc<dyn AccountService>;

/// An upload as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct UploadFields {
    /// The sheet's title.
    pub title: String,
    /// Free text, compared ignoring case.
    pub category: String,
    /// "beginner", "intermediate", "advanced" or "expert".
    pub difficulty: String,
    /// Comma-separated.
    pub tags: String,
    /// The file's name, which says its format.
    pub file_name: String,
    /// The file as uploaded.
    pub file: Vec<u8>,
}

impl UploadFields {
    /// Sets the text field `name`; unknown fields are ignored.
    pub fn set(&mut self, name: &str, text: String) {
        match name {
            "title" => self.title = text,
            "category" => self.category = text,
            "difficulty" => self.difficulty = text,
            "tags" => self.tags = text,
            _ => {}
        }
    }
}

/// Sheet music, for the sheet pages. Errors are messages fit for the player; an upload's
/// field errors come back as [`Checked`].
#[async_trait::async_trait]
pub trait SheetService: Send + Sync {
    async fn search(&self, query: SheetQuery) -> Result<SheetResults, String>;
    /// A sheet for its page, without its notes.
    async fn overview(&self, request: &Parts, id: String) -> Result<SheetOverview, String>;
    async fn upload(
        &self,
        request: &Parts,
        upload: UploadFields,
    ) -> Result<Checked<SheetSummary>, String>;
    async fn favorite(
        &self,
        request: &Parts,
        id: String,
        on: bool,
    ) -> Result<FavoriteState, String>;
    /// Changes a sheet's title, category, difficulty and tags (its uploader or a moderator).
    async fn edit(
        &self,
        request: &Parts,
        id: String,
        edit: SheetEdit,
    ) -> Result<Checked<SheetSummary>, String>;
    async fn delete(&self, request: &Parts, id: String) -> Result<(), String>;
    /// A room's recording as a MIDI file, for anyone to download.
    fn recording_midi(&self, recording: Recording) -> Result<Vec<u8>, String>;
    /// Keeps a room's recording as a sheet of the caller's.
    async fn save_recording(
        &self,
        request: &Parts,
        saved: SavedRecording,
    ) -> Result<Checked<SheetSummary>, String>;
}

pub type SharedSheets = Arc<dyn SheetService>;

/// Which audit entries the staff pages ask for; every filter given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilterForm {
    /// Only this room's entries.
    pub room_id: Option<String>,
    /// Only this action, by its stored name (e.g. `site_banned`).
    pub action: Option<String>,
    /// Only what this account or guest did.
    pub actor_id: Option<String>,
    /// Only what was done to this account, player, sheet or report.
    pub target_id: Option<String>,
    /// How many matching entries, newest first, to pass over.
    pub skip: u64,
    /// How many at most.
    pub limit: u32,
}

/// Players' reports, and what the staff pages read. Errors are messages fit for the player.
#[async_trait::async_trait]
pub trait StaffService: Send + Sync {
    /// Any player reports another.
    async fn report(&self, request: &Parts, form: ReportForm) -> Result<ReportView, String>;
    /// Moderators: reports of a status ("open", "resolved", "dismissed", "all"), newest first.
    async fn reports(
        &self,
        request: &Parts,
        status: Option<String>,
        skip: u64,
        limit: u32,
    ) -> Result<Vec<ReportView>, String>;
    /// Moderators: closes an open report as resolved (`resolved`) or dismissed.
    async fn close_report(
        &self,
        request: &Parts,
        id: String,
        resolved: bool,
    ) -> Result<ReportView, String>;
    /// Moderators: the audit log by filter, newest first.
    async fn audit(
        &self,
        request: &Parts,
        filter: AuditFilterForm,
    ) -> Result<Vec<AuditView>, String>;
    /// Moderators: the site bans in force, newest first.
    async fn bans(&self, request: &Parts, skip: u64, limit: u32) -> Result<Vec<BanView>, String>;
    /// Moderators: bans an account from the site.
    async fn site_ban(&self, request: &Parts, form: SiteBanForm) -> Result<(), String>;
    /// Moderators: lifts an account's site ban.
    async fn lift_ban(&self, request: &Parts, account_id: String) -> Result<(), String>;
    /// Admins: sets an account's roles; answers its profile as it now is.
    async fn set_roles(
        &self,
        request: &Parts,
        account_id: String,
        roles: Vec<String>,
    ) -> Result<Profile, String>;
}

pub type SharedStaff = Arc<dyn StaffService>;

/// What players do about each other, for the pages. Errors are messages fit for the player.
#[async_trait::async_trait]
pub trait SocialService: Send + Sync {
    /// Whom the caller blocks, newest first.
    async fn blocks(&self, request: &Parts) -> Result<Vec<BlockedPlayer>, String>;
    /// Blocks a player; answers them as the list now shows them.
    async fn block(&self, request: &Parts, form: BlockForm) -> Result<BlockedPlayer, String>;
    /// Unblocks a player (one not blocked is no error).
    async fn unblock(&self, request: &Parts, player_id: String) -> Result<(), String>;
    /// Members: their friends, with where they are, and requests either way.
    async fn friends(&self, request: &Parts) -> Result<Vec<FriendView>, String>;
    /// Members: asks the member `usertag` to be friends (accepts, if they had asked).
    async fn add_friend(&self, request: &Parts, usertag: String) -> Result<FriendView, String>;
    /// Members: accepts the request of the member `usertag`.
    async fn accept_friend(&self, request: &Parts, usertag: String) -> Result<FriendView, String>;
    /// Members: removes a friend, withdraws or declines a request.
    async fn remove_friend(&self, request: &Parts, usertag: String) -> Result<(), String>;
    /// Members: their conversations, the latest first.
    async fn conversations(&self, request: &Parts) -> Result<Vec<ConversationSummary>, String>;
    /// Members: a page of the conversation with the member `usertag`, before a message.
    async fn conversation(
        &self,
        request: &Parts,
        usertag: String,
        before: Option<String>,
    ) -> Result<ConversationPage, String>;
    /// Members: marks what the member `usertag` sent the caller read.
    async fn read_conversation(&self, request: &Parts, usertag: String) -> Result<(), String>;
    /// Members: sends the member `usertag` a direct message.
    async fn send_message(
        &self,
        request: &Parts,
        usertag: String,
        text: String,
    ) -> Result<MessageView, String>;
    /// Members: their notifications, newest first.
    async fn notifications(&self, request: &Parts) -> Result<Vec<NotificationView>, String>;
    /// Members: marks every notification read.
    async fn read_notifications(&self, request: &Parts) -> Result<(), String>;
}

pub type SharedSocial = Arc<dyn SocialService>;
