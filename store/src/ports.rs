//! The storage ports: one small trait per aggregate. Each backend implements all of them; the
//! contract tests (store/tests/store_contract) hold every backend to the same behaviour.
//!
//! Lookups of one record return [`StoreError::NotFound`] rather than an `Option`, so a handler
//! maps "unknown id" to a 404 in one place.

use async_trait::async_trait;
use pianorhythm_core::{
    domain::{
        audit::{AuditEntry, AuditFilter},
        auth::{Login, Redeemed, RefreshToken},
        block::Block,
        friend::Friendship,
        inbox::{
            Conversation, CountsAfterSending, DirectMessage, Notification, Recipient, UnreadCounts,
        },
        report::{Report, ReportStatus, SiteBan},
        room::StoredRoom,
        session::SessionRecord,
        sheet_music::{NewSheet, Sheet, SheetPage, SheetSearch, SheetUpdate},
        user::{NewUser, ProfileUpdate, User},
        UnixMillis,
    },
    protocol::ChatMessage,
};

use super::StoreResult;

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account; a usertag (ignoring case) or email already in use is a `Conflict`.
    async fn create(&self, user: NewUser) -> StoreResult<User>;
    async fn get(&self, id: &str) -> StoreResult<User>;
    /// Exact match ignoring case: the usertag is never a pattern.
    async fn by_usertag(&self, usertag: &str) -> StoreResult<User>;
    async fn by_email(&self, email: &str) -> StoreResult<User>;
    /// Writes only the fields the update names, atomically, and returns the result.
    async fn update(&self, id: &str, update: ProfileUpdate) -> StoreResult<User>;
    /// Creates an account together with its first provider login, atomically: both or
    /// neither. A login that already has an account is a `Conflict { what: "login" }`.
    async fn create_with_login(&self, user: NewUser, login: &Login) -> StoreResult<User>;
    /// The account this provider login belongs to.
    async fn by_login(&self, login: &Login) -> StoreResult<User>;
}

/// The API's refresh tokens, in families (see [`RefreshToken`]).
#[async_trait]
pub trait RefreshTokens: Send + Sync {
    async fn insert(&self, token: &RefreshToken) -> StoreResult<()>;
    /// Uses the token with this hash up, atomically: of two presenting it at once, one gets
    /// `Fresh`. A token used before revokes its whole family and is `Reused`; an unknown,
    /// expired (at `now`) or revoked one is `Invalid`.
    async fn redeem(&self, hash: &str, now: UnixMillis) -> StoreResult<Redeemed>;
    /// Revokes every token of the account (at sign-out); returns how many were live.
    async fn revoke_user(&self, user_id: &str) -> StoreResult<u64>;
    /// Removes every token expired at `now`, used or not; returns how many. An expired token
    /// is refused anyway, so only the record goes.
    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64>;
}

/// User rooms that outlive a restart. Each live room is the only writer of its record.
#[async_trait]
pub trait RoomStore: Send + Sync {
    /// Creates or replaces the room's record (settings, owner, bans).
    async fn save(&self, room: &StoredRoom) -> StoreResult<()>;
    async fn get(&self, id: &str) -> StoreResult<StoredRoom>;
    /// Exact match ignoring case.
    async fn by_name(&self, name: &str) -> StoreResult<StoredRoom>;
    async fn list(&self) -> StoreResult<Vec<StoredRoom>>;
    /// Removes the room; removing one that is gone already is not an error.
    async fn delete(&self, id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Appends a message to the room's history; durable when this returns.
    async fn append(&self, room_id: &str, message: &ChatMessage) -> StoreResult<()>;
    /// The room's last `limit` messages, oldest first.
    async fn recent(&self, room_id: &str, limit: u32) -> StoreResult<Vec<ChatMessage>>;
    /// Removes one message of the room; removing one that is gone is not an error.
    async fn delete(&self, room_id: &str, message_id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait SheetMusicStore: Send + Sync {
    async fn create(&self, sheet: NewSheet) -> StoreResult<Sheet>;
    async fn get(&self, id: &str) -> StoreResult<Sheet>;
    async fn content(&self, id: &str) -> StoreResult<Vec<u8>>;
    /// The sheet's stored timeline (`sheet_format::timeline`), or `None` for a sheet stored
    /// before timelines were; NotFound("sheet") for an unknown id.
    async fn timeline(&self, id: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Keeps a timeline computed for a sheet stored without one (or with an outdated one);
    /// NotFound("sheet") for an unknown id.
    async fn set_timeline(&self, id: &str, timeline: Vec<u8>) -> StoreResult<()>;
    async fn search(&self, search: &SheetSearch) -> StoreResult<SheetPage>;
    /// Counts a download (atomically) and returns the new count.
    async fn record_download(&self, id: &str) -> StoreResult<u64>;
    /// Adds a favourite; `false` if the user had it already. Keeps the sheet's count exact.
    async fn add_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool>;
    /// Removes a favourite; `false` if the user did not have it.
    async fn remove_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool>;
    /// The user's favourites, most recently added first.
    async fn favorites(&self, user_id: &str) -> StoreResult<Vec<Sheet>>;
    /// Writes only the named fields, atomically; NotFound("sheet") for an unknown id.
    async fn update(&self, id: &str, update: SheetUpdate) -> StoreResult<Sheet>;
    /// Removes the sheet, its content and everyone's favourite of it; removing one that is
    /// gone is not an error.
    async fn delete(&self, id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    async fn append(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// The entries that match every filter given, newest first, after skipping `skip` of them.
    async fn search(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// The newest `limit` entries, newest first, of one room or of all.
    async fn recent(&self, room_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        let filter = AuditFilter {
            room_id: room_id.map(str::to_owned),
            limit,
            ..AuditFilter::default()
        };
        self.search(&filter).await
    }
}

/// Players' reports about other players, for staff.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Stores a new report; its id is new.
    async fn create(&self, report: &Report) -> StoreResult<()>;
    async fn get(&self, id: &str) -> StoreResult<Report>;
    /// Reports of one status, or of all, newest first, after skipping `skip` of them.
    async fn list(
        &self,
        status: Option<ReportStatus>,
        skip: u64,
        limit: u32,
    ) -> StoreResult<Vec<Report>>;
    /// Closes an open report as `status` (resolved or dismissed) by `by` at `at`, atomically:
    /// of two moderators closing it at once, one does. One already closed is a
    /// `Conflict { what: "report" }`; an unknown one `NotFound("report")`.
    async fn close(
        &self,
        id: &str,
        status: ReportStatus,
        by: &str,
        at: UnixMillis,
    ) -> StoreResult<Report>;
}

/// Why and by whom accounts were banned from the site. Whether an account is banned is its
/// record's `banned_until` (checked on every request); this keeps what staff read.
#[async_trait]
pub trait SiteBans: Send + Sync {
    /// Records the account's ban, replacing one it had.
    async fn record(&self, ban: &SiteBan) -> StoreResult<()>;
    /// Forgets the account's ban (it was lifted); forgetting none is not an error.
    async fn lift(&self, account_id: &str) -> StoreResult<()>;
    /// The bans still in force at `now`, newest first, after skipping `skip` of them.
    async fn in_force(&self, now: UnixMillis, skip: u64, limit: u32) -> StoreResult<Vec<SiteBan>>;
    /// The account's ban as recorded (in force or not), to tell its player why and until when.
    async fn of(&self, account_id: &str) -> StoreResult<Option<SiteBan>>;
}

/// Whom each member blocks (a guest's list lives in their session).
#[async_trait]
pub trait BlockStore: Send + Sync {
    /// Adds `block` to the owner's list; a player already there keeps their place and takes
    /// the new name.
    async fn block(&self, owner_id: &str, block: &Block) -> StoreResult<()>;
    /// Takes a player off the owner's list; whether they were on it.
    async fn unblock(&self, owner_id: &str, player_id: &str) -> StoreResult<bool>;
    /// The owner's list, newest first.
    async fn blocks(&self, owner_id: &str) -> StoreResult<Vec<Block>>;
}

/// Friendships and friend requests between members, one record per pair, and when each
/// member was last seen.
#[async_trait]
pub trait FriendStore: Send + Sync {
    /// `from` asks `to`. Answers the pair as it stands: a new request; unchanged when `from`
    /// asked already or they are friends; friends now when `to` had asked `from`.
    async fn request(&self, from: &str, to: &str, at: UnixMillis) -> StoreResult<Friendship>;
    /// `me` accepts `other`'s request; `NotFound` when `other` asked nothing (friends already
    /// are answered as they are).
    async fn accept(&self, me: &str, other: &str, at: UnixMillis) -> StoreResult<Friendship>;
    /// Ends a friendship, or withdraws or declines a request; whether there was one.
    async fn remove(&self, one: &str, other: &str) -> StoreResult<bool>;
    /// Every friendship and request `member` is in, newest first.
    async fn friendships(&self, member: &str) -> StoreResult<Vec<Friendship>>;
    /// Notes that `member` was last connected at `at`.
    async fn seen(&self, member: &str, at: UnixMillis) -> StoreResult<()>;
    /// When each of `members` was last seen, for those ever seen.
    async fn last_seen(&self, members: &[String]) -> StoreResult<Vec<(String, UnixMillis)>>;
}

/// Direct messages between members, and each member's conversations with their unread counts.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// The member `usertag` names, with how they and `sender` stand (blocks either way,
    /// friendship), all in one call: each message needs all of it before it is stored.
    async fn recipient(&self, sender: &str, usertag: &str) -> StoreResult<Recipient>;
    /// Stores a message and counts it unread for its recipient; durable when this returns.
    /// Answers both members' header counts as the write leaves them, which their tabs are
    /// told with the message.
    async fn send(&self, message: &DirectMessage) -> StoreResult<CountsAfterSending>;
    /// Up to `limit` messages between `me` and `other`, newest first, older than the message
    /// `before` when given.
    async fn conversation(
        &self,
        me: &str,
        other: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<DirectMessage>>;
    /// `member`'s conversations, the latest first.
    async fn conversations(&self, member: &str) -> StoreResult<Vec<Conversation>>;
    /// `me` has read what `other` sent them; whether any of it was unread.
    async fn mark_read(&self, me: &str, other: &str) -> StoreResult<bool>;
    /// How many of `member`'s conversations have a message they have not read.
    async fn unread_conversations(&self, member: &str) -> StoreResult<u32>;
    /// The header's counts for `member` (unread conversations and notifications) in one read,
    /// as each new message needs them for both its members.
    async fn unread_counts(&self, member: &str) -> StoreResult<UnreadCounts>;
}

/// What members are told about, the newest [`KEPT_NOTIFICATIONS`] each.
///
/// [`KEPT_NOTIFICATIONS`]: pianorhythm_core::domain::inbox::KEPT_NOTIFICATIONS
#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Stores a notification, unread, and lets the owner's oldest beyond the kept number go.
    async fn notify(&self, notification: &Notification) -> StoreResult<()>;
    /// The owner's notifications, newest first.
    async fn notifications(&self, owner: &str) -> StoreResult<Vec<Notification>>;
    /// Marks every notification of the owner read; whether any was not.
    async fn mark_all_read(&self, owner: &str) -> StoreResult<bool>;
    /// How many of the owner's notifications are unread.
    async fn unread_notifications(&self, owner: &str) -> StoreResult<u32>;
}

/// Session records for tower-sessions (the server's `http::sessions` adapts them).
#[async_trait]
pub trait SessionRecords: Send + Sync {
    /// Stores a new session; an id already in use is a `Conflict`.
    async fn create(&self, record: &SessionRecord) -> StoreResult<()>;
    /// Creates or replaces the session.
    async fn save(&self, record: &SessionRecord) -> StoreResult<()>;
    /// The session, unless it is unknown or expired at `now`.
    async fn load(&self, id: &str, now: UnixMillis) -> StoreResult<Option<SessionRecord>>;
    async fn delete(&self, id: &str) -> StoreResult<()>;
    /// Removes every session expired at `now`; returns how many.
    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64>;
}

/// Whether the backend can serve requests right now (for `/ready`).
#[async_trait]
pub trait Health: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
}
