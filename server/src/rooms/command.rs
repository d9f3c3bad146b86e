//! What connections ask of a room, and the handle they ask through.

use std::{sync::Arc, time::Duration};

use pianorhythm_core::protocol::{ChatMessage, NoteBatch, Participant, RoomSettingsUpdate};
use tokio::sync::{mpsc, oneshot};

use super::RoomError;
use crate::ws::Outbox;

/// Identifies one WebSocket; a player with two tabs open has two.
pub type ConnectionId = u64;

/// Who sent a command: the player, which of their connections, and where to answer.
#[derive(Debug)]
pub struct Origin {
    pub participant_id: String,
    pub connection: ConnectionId,
    pub outbox: Outbox,
}

#[derive(Debug)]
pub enum RoomCommand {
    Join {
        origin: Arc<Origin>,
        participant: Participant,
        password: Option<String>,
        reply: oneshot::Sender<Result<(), RoomError>>,
    },
    Leave {
        origin: Arc<Origin>,
    },
    Notes {
        origin: Arc<Origin>,
        batch: NoteBatch,
    },
    Chat {
        origin: Arc<Origin>,
        text: String,
    },
    UpdateSettings {
        origin: Arc<Origin>,
        update: RoomSettingsUpdate,
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
    UpdateProfile {
        participant: Participant,
    },
    /// From the room's journal: this message is stored, so it may be shown.
    ChatStored {
        message: ChatMessage,
    },
    /// From the room's journal: this message could not be stored and is dropped.
    ChatNotStored {
        message: ChatMessage,
    },
}

/// Commands a room may have waiting; a connection that finds it full waits its turn.
pub const ROOM_INBOX_CAPACITY: usize = 4096;

#[derive(Clone, Debug)]
pub struct RoomHandle {
    pub id: Arc<str>,
    commands: mpsc::Sender<RoomCommand>,
}

impl RoomHandle {
    pub(super) fn new(id: Arc<str>, commands: mpsc::Sender<RoomCommand>) -> Self {
        Self { id, commands }
    }

    /// Delivers a command; fails only if the room has closed.
    pub async fn send(&self, command: RoomCommand) -> Result<(), RoomError> {
        self.commands
            .send(command)
            .await
            .map_err(|_| RoomError::RoomNotFound)
    }

    pub async fn join(
        &self,
        origin: Arc<Origin>,
        participant: Participant,
        password: Option<String>,
    ) -> Result<(), RoomError> {
        let (reply, answer) = oneshot::channel();
        self.send(RoomCommand::Join {
            origin,
            participant,
            password,
            reply,
        })
        .await?;
        // A room that closes before answering is as good as gone.
        answer.await.unwrap_or(Err(RoomError::RoomNotFound))
    }
}
