//! A room with nothing around it but its records, driven the way connections drive it: for the
//! room's unit tests and the fuzz target (`fuzz/`), which feeds it raw frames.
//!
//! Built only for tests and with the `sandbox` feature; it must run inside a tokio runtime
//! (the room's journal writes from a task of its own).

use std::{net::IpAddr, sync::Arc};

use pianorhythm_core::{
    domain::user::Role,
    protocol::{
        client_message::Kind as Request, server_message::Kind, ClientMessage, Participant,
        ServerMessage, MAX_FRAME_BYTES,
    },
    validation,
};
use prost::Message as _;
use tokio::sync::{mpsc, oneshot};

use super::{
    directory::Directory,
    journal::{Journal, JournalWriters},
    room::{Room, RoomContext, RoomKind},
    Origin, PasswordChange, RoomCommand, RoomError, RoomRecords, RoomSettings, RoomsConfig,
};
use crate::{
    blocks::BlockedPlayers,
    limits::{LimitsConfig, Player, PlayerLimits},
    names,
    outbox::{outbox, OutboxReceiver, Outgoing},
    shutdown::Shutdown,
    solo::Solo,
};

/// One connection into the sandboxed room.
struct Client {
    /// The connection as the room sees it.
    origin: Arc<Origin>,
    /// What the room sent it.
    inbox: OutboxReceiver,
    /// Whom its player blocks, as the connection tells the room when joining.
    blocked: BlockedPlayers,
}

pub struct Sandbox {
    /// The room under test.
    room: Room,
    /// Its connections, numbered in the order they were opened.
    clients: Vec<Client>,
}

impl Sandbox {
    /// A stored room named by `settings`, owned by the player `owner_id`.
    pub fn new(
        store: Arc<dyn RoomRecords>,
        owner_id: &str,
        settings: RoomSettings,
        limits: LimitsConfig,
    ) -> Self {
        let id: Arc<str> = "sandbox".into();
        // The room's own handle: stored chat comes back through it (dropped here, so stored
        // chat is simply not shown; the room does not wait for it).
        let (commands, _) = mpsc::channel(1);
        let journal = Journal::start(
            id.clone(),
            store,
            commands.downgrade(),
            &JournalWriters::default(),
        );
        let context = RoomContext {
            directory: Arc::new(Directory::default()),
            config: RoomsConfig::default(),
            limits: PlayerLimits::new(limits, Arc::new(Solo)),
            shutdown: Shutdown::new(),
            cluster: Arc::new(Solo),
        };
        let kind = RoomKind::Restored {
            owner_id: Some(owner_id.to_owned()),
            bans: Vec::new(),
            created_at: 0,
        };
        Self {
            room: Room::new(id, settings, kind, context, journal),
            clients: Vec::new(),
        }
    }

    /// Opens a connection for guest `id` from `address`; returns its number.
    pub fn connect(&mut self, id: &str, address: IpAddr) -> usize {
        self.connect_as(id, address, Role::Guest)
    }

    /// Opens a connection for player `id` with `role`; returns its number. A guest's browser
    /// is their own guest id; an account's has none (as with an API token).
    pub fn connect_as(&mut self, id: &str, address: IpAddr, role: Role) -> usize {
        let browser = (role == Role::Guest).then_some(id);
        self.connect_in_browser(id, address, role, browser)
    }

    /// Opens a connection for player `id` with `role` from the browser whose guest is
    /// `browser`; returns its number.
    pub fn connect_in_browser(
        &mut self,
        id: &str,
        address: IpAddr,
        role: Role,
        browser: Option<&str>,
    ) -> usize {
        let (outbox, inbox) = outbox(1 << 16);
        let origin = Arc::new(Origin {
            player: Player::new(id, address),
            connection: self.clients.len() as u64 + 1,
            outbox,
            role,
            user_agent: Some("sandbox".into()),
            browser: browser.map(Arc::from),
        });
        self.clients.push(Client {
            origin,
            inbox,
            blocked: BlockedPlayers::default(),
        });
        self.clients.len() - 1
    }

    pub fn origin(&self, client: usize) -> Arc<Origin> {
        self.clients[client].origin.clone()
    }

    /// Hands a command to the room, as its actor would.
    pub fn handle(&mut self, command: RoomCommand) {
        self.room.handle(command);
    }

    /// Joins `client`'s player, with `proof` standing for a checked password.
    pub fn join(&mut self, client: usize, proof: Option<String>) -> Result<(), RoomError> {
        let blocked = self.clients[client].blocked.clone();
        self.ask_to_join(client, proof, blocked, false)
    }

    /// Whether `client`'s player would be let in with `proof`, without joining.
    pub fn check(&mut self, client: usize, proof: Option<String>) -> Result<(), RoomError> {
        self.ask_to_join(client, proof, BlockedPlayers::default(), true)
    }

    fn ask_to_join(
        &mut self,
        client: usize,
        proof: Option<String>,
        blocked: BlockedPlayers,
        check_only: bool,
    ) -> Result<(), RoomError> {
        let origin = self.origin(client);
        let (reply, mut answer) = oneshot::channel();
        self.room.handle(RoomCommand::Join {
            participant: participant(&origin),
            origin,
            proof,
            blocked,
            check_only,
            reply,
        });
        answer.try_recv().unwrap_or(Err(RoomError::RoomNotFound))
    }

    /// Sets whom `client`'s player blocks, as their connection tells the room.
    pub fn set_blocks(&mut self, client: usize, blocked: BlockedPlayers) {
        self.clients[client].blocked = blocked.clone();
        let origin = self.origin(client);
        self.room.handle(RoomCommand::Blocks { origin, blocked });
    }

    /// Decodes `frame` as a connection does and carries out what it asks of the room.
    /// Requests that are not the room's business (pings, the room list) are ignored.
    pub fn feed(&mut self, client: usize, frame: &[u8]) {
        if frame.len() > MAX_FRAME_BYTES {
            return;
        }
        let Ok(ClientMessage {
            kind: Some(request),
        }) = ClientMessage::decode(frame)
        else {
            return;
        };
        let origin = self.origin(client);
        let command = match request {
            Request::Join(join) => {
                let _ = self.join(client, join.password);
                return;
            }
            Request::Leave(_) => RoomCommand::Leave { origin },
            Request::SetProfile(profile) => {
                let mut participant = participant(&origin);
                if let Some(name) = profile.name {
                    let Ok(name) = names::player_name(&name) else {
                        return;
                    };
                    participant.name = name;
                }
                if let Some(color) = profile.color {
                    let Ok(color) = validation::color(&color) else {
                        return;
                    };
                    participant.color = color;
                }
                RoomCommand::UpdateProfile { participant }
            }
            Request::UpdateSettings(mut update) => {
                // The plain text stands in for its hash: hashing is the connection's job.
                let password = match update.password.take().map(|p| validation::password(&p)) {
                    None => PasswordChange::Keep,
                    Some(Ok(None)) => PasswordChange::Remove,
                    Some(Ok(Some(hash))) => PasswordChange::Set { hash },
                    Some(Err(_)) => return,
                };
                RoomCommand::UpdateSettings {
                    origin,
                    update,
                    password,
                }
            }
            forwarded => match RoomCommand::forwarded(origin, forwarded) {
                Some(command) => command,
                None => return,
            },
        };
        self.room.handle(command);
    }

    /// Everything the room sent `client` since last asked; panics on a frame that is not a
    /// valid server message.
    pub fn received(&mut self, client: usize) -> Vec<Kind> {
        let mut kinds = Vec::new();
        while let Ok(item) = self.clients[client].inbox.items.try_recv() {
            if let Outgoing::Frame(frame) = item {
                let message = ServerMessage::decode(frame).expect("the room sent garbage");
                kinds.extend(message.kind);
            }
        }
        kinds
    }

    /// How many clients there are.
    pub fn clients(&self) -> usize {
        self.clients.len()
    }
}

fn participant(origin: &Origin) -> Participant {
    Participant {
        id: origin.participant_id().to_owned(),
        name: format!("Player {}", origin.participant_id()),
        color: "#336699".into(),
        ..Default::default()
    }
}
