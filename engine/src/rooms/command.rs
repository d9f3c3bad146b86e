//! What connections ask of a room, and the handle they ask through.

use std::{sync::Arc, time::Duration};

use pianorhythm_core::{
    domain::user::Role,
    protocol::{
        client_message::Kind as Request, BanPlayer, ChatMessage, DeleteChatMessage, GiveCrown,
        KickPlayer, MutePlayer, NoteBatch, Participant, RoomSettingsUpdate,
    },
};
use tokio::sync::{mpsc, oneshot};

use super::RemoteRoom;
use super::{password, RoomError};
use crate::{blocks::BlockedPlayers, limits::Player, outbox::Outbox};

/// How long a join waits for the room's answer (from another instance, at worst).
pub const JOIN_ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// Identifies one WebSocket; a player with two tabs open has two.
pub type ConnectionId = u64;

/// Who sent a command: the player, which of their connections, and where to answer.
#[derive(Debug)]
pub struct Origin {
    /// The player (and the address they came from) every limit is charged to.
    pub player: Player,
    /// Which of the player's connections sent it.
    pub connection: ConnectionId,
    /// Where answers for this connection go.
    pub outbox: Outbox,
    /// What the player may do beyond a room they own (moderators moderate every room).
    pub role: Role,
    /// The player's client (`User-Agent`), for the audit log.
    pub user_agent: Option<Arc<str>>,
    /// The guest id of the browser session the player came from (a signed-in browser keeps
    /// its guest for after sign-out), so a room ban holds for that browser whoever is signed
    /// in; `None` without a browser session (an API token).
    pub browser: Option<Arc<str>>,
}

impl Origin {
    pub fn participant_id(&self) -> &str {
        &self.player.id
    }
}

/// What a settings change does to the room's password, already hashed by the sender so the
/// room's actor never spends time hashing.
#[derive(Debug, Default)]
pub enum PasswordChange {
    #[default]
    Keep,
    Remove,
    Set {
        hash: String,
    },
}

#[derive(Debug)]
pub enum RoomCommand {
    Join {
        origin: Arc<Origin>,
        participant: Participant,
        /// A digest of the room's password hash (`password::proof_of`), once the joiner has
        /// shown they know the password.
        proof: Option<String>,
        /// Whom the player blocks: the room sends them nothing from those players.
        blocked: BlockedPlayers,
        /// Only asks whether the player would be let in now (bans, password, capacity), for a
        /// room ticket: nothing changes and nothing is sent to the connection.
        check_only: bool,
        reply: oneshot::Sender<Result<(), RoomError>>,
    },
    Leave {
        origin: Arc<Origin>,
    },
    /// The player's block list changed.
    Blocks {
        origin: Arc<Origin>,
        blocked: BlockedPlayers,
    },
    Notes {
        origin: Arc<Origin>,
        batch: NoteBatch,
    },
    Chat {
        origin: Arc<Origin>,
        text: String,
        /// Told once the room has taken the line (for mentions; a room on another instance is
        /// taken to have).
        taken: Option<oneshot::Sender<()>>,
    },
    UpdateSettings {
        origin: Arc<Origin>,
        /// Every field but the password, which comes hashed in `password`.
        update: RoomSettingsUpdate,
        password: PasswordChange,
    },
    Kick {
        origin: Arc<Origin>,
        target: String,
    },
    Ban {
        origin: Arc<Origin>,
        target: String,
        duration: Duration,
    },
    GiveCrown {
        origin: Arc<Origin>,
        target: String,
    },
    Mute {
        origin: Arc<Origin>,
        target: String,
        duration: Duration,
    },
    DeleteChat {
        origin: Arc<Origin>,
        message_id: String,
    },
    /// A guest signed in: the rooms they owned are their account's now.
    TransferOwnership {
        from: String,
        to: String,
    },
    UpdateProfile {
        participant: Participant,
    },
    /// Another instance has gone: its players' connections are closed.
    InstanceGone {
        instance: Arc<str>,
    },
    /// Another instance holds the room now (this one was cut off from the others): this copy
    /// ends, and its players here join the room there.
    Moved,
    /// From the room's journal: this message is stored, so it may be shown.
    ChatStored {
        message: ChatMessage,
    },
    /// From the room's journal: this message could not be stored and is dropped.
    ChatNotStored {
        message: ChatMessage,
    },
}

impl RoomCommand {
    /// The command for a request a connection simply forwards to its room; `None` for the
    /// requests that need more than forwarding (joining, settings with their password, ...).
    pub fn forwarded(origin: Arc<Origin>, request: Request) -> Option<Self> {
        Some(match request {
            Request::Notes(batch) => Self::Notes { origin, batch },
            Request::Chat(chat) => Self::Chat {
                origin,
                text: chat.text,
                taken: None,
            },
            Request::Kick(KickPlayer { participant_id }) => Self::Kick {
                origin,
                target: participant_id,
            },
            Request::Ban(BanPlayer {
                participant_id,
                duration_seconds,
                site_wide: false,
            }) => Self::Ban {
                origin,
                target: participant_id,
                duration: Duration::from_secs(duration_seconds.into()),
            },
            Request::GiveCrown(GiveCrown { participant_id }) => Self::GiveCrown {
                origin,
                target: participant_id,
            },
            Request::Mute(MutePlayer {
                participant_id,
                duration_seconds,
            }) => Self::Mute {
                origin,
                target: participant_id,
                duration: Duration::from_secs(duration_seconds.into()),
            },
            Request::DeleteChat(DeleteChatMessage { message_id }) => {
                Self::DeleteChat { origin, message_id }
            }
            _ => return None,
        })
    }
}

/// Commands a room may have waiting; a connection that finds it full waits its turn.
pub const ROOM_INBOX_CAPACITY: usize = 4096;

/// How a connection reaches a room, wherever it is held.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    pub id: Arc<str>,
    route: Route,
}

#[derive(Clone, Debug)]
enum Route {
    /// The room's actor runs in this process.
    Local(mpsc::Sender<RoomCommand>),
    /// Another instance holds the room.
    Remote(Arc<dyn RemoteRoom>),
}

impl RoomHandle {
    pub(super) fn new(id: Arc<str>, commands: mpsc::Sender<RoomCommand>) -> Self {
        Self {
            id,
            route: Route::Local(commands),
        }
    }

    pub(super) fn remote(id: Arc<str>, room: Arc<dyn RemoteRoom>) -> Self {
        Self {
            id,
            route: Route::Remote(room),
        }
    }

    /// The instance holding the room, when it is not this one.
    pub fn home(&self) -> Option<&Arc<str>> {
        match &self.route {
            Route::Local(_) => None,
            Route::Remote(room) => Some(room.home()),
        }
    }

    /// Delivers a command; fails only if the room has closed (or, held elsewhere, its
    /// instance is gone).
    pub async fn send(&self, command: RoomCommand) -> Result<(), RoomError> {
        match &self.route {
            Route::Local(commands) => commands
                .send(command)
                .await
                .map_err(|_| RoomError::RoomNotFound),
            Route::Remote(room) => room.send(&self.id, command).await,
        }
    }

    /// Joins the room. A room with a password answers with its hash first; the password is
    /// checked here, off the room's actor, and the join repeated with a proof of it.
    /// Answers with the proof that let the player in, for joining again without the password
    /// when the room moves to another instance.
    pub async fn join(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        blocked: BlockedPlayers,
        password: Option<String>,
    ) -> Result<Option<String>, RoomError> {
        self.enter(origin, participant, blocked, password, false)
            .await
    }

    /// Whether the player would be let in now, with this password (bans, password, capacity),
    /// without joining: answers the proof a later join may show instead of the password.
    pub async fn check_entry(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        password: Option<String>,
    ) -> Result<Option<String>, RoomError> {
        let blocked = BlockedPlayers::default();
        self.enter(origin, participant, blocked, password, true)
            .await
    }

    async fn enter(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        blocked: BlockedPlayers,
        password: Option<String>,
        check_only: bool,
    ) -> Result<Option<String>, RoomError> {
        let mut proof = None;
        let mut refusal = RoomError::WrongPassword;
        // Twice at most: the password may change between the two asks.
        for _ in 0..2 {
            let answer = self
                .ask_to_join(
                    origin.clone(),
                    participant.clone(),
                    blocked.clone(),
                    proof.clone(),
                    check_only,
                )
                .await;
            let Err(RoomError::PasswordCheck { hash, private }) = answer else {
                return answer.map(|()| proof);
            };
            if private {
                // Says no more than a room that does not exist would.
                refusal = RoomError::RoomNotFound;
            }
            let Some(password) = password.clone() else {
                return Err(refusal);
            };
            if !password::verify(password, hash.clone()).await {
                return Err(refusal);
            }
            proof = Some(password::proof_of(&hash));
        }
        Err(refusal)
    }

    /// Joins again, with the proof an earlier join answered (the room moved to another
    /// instance). A password changed meanwhile keeps the player out.
    pub async fn rejoin(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        blocked: BlockedPlayers,
        proof: Option<String>,
    ) -> Result<(), RoomError> {
        match self
            .ask_to_join(origin, participant, blocked, proof, false)
            .await
        {
            Err(RoomError::PasswordCheck { .. }) => Err(RoomError::WrongPassword),
            answer => answer,
        }
    }

    async fn ask_to_join(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        blocked: BlockedPlayers,
        proof: Option<String>,
        check_only: bool,
    ) -> Result<(), RoomError> {
        let (reply, answer) = oneshot::channel();
        self.send(RoomCommand::Join {
            origin,
            participant,
            proof,
            blocked,
            check_only,
            reply,
        })
        .await?;
        // A room that closes (or whose instance goes) before answering is as good as gone.
        match tokio::time::timeout(JOIN_ANSWER_TIMEOUT, answer).await {
            Ok(Ok(result)) => result,
            _ => Err(RoomError::RoomNotFound),
        }
    }
}
