//! Rooms held by another instance: the handle that reaches them over the bus, and, on the
//! instance holding a room, turning what arrives back into the room's commands.
//!
//! A command travels as the player sent it (or as the [`RoomCommand`] it became), with who sent
//! it; the room answers that player through an [`Outbox::remote`], so the room itself never
//! knows whether a player is here or elsewhere. A join's answer comes back under the id it was
//! asked with.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_core::{
    domain::user::Role,
    protocol::{
        client_message::Kind as Request, BanPlayer, ChatSend, ClientMessage, DeleteChatMessage,
        GiveCrown, KickPlayer, MutePlayer,
    },
};
use pianorhythm_engine::{
    blocks::BlockedPlayers,
    limits::Player,
    outbox::{Outbox, PeerLink as _},
    rooms::{self, Origin, PasswordChange, RoomCommand, RoomError},
};
use tokio::sync::oneshot;

use crate::bus::{
    peer::{PeerLink, Peers},
    wire::{
        self, item::Kind as Item, join_answer, join_refusal::Reason, room_request, update_settings,
    },
};

/// Joins asked of other instances, waiting for their answer.
#[derive(Default, Debug)]
pub struct PendingJoins {
    /// The id of the next join asked.
    next_id: AtomicU64,
    /// Where each join's answer goes, by id.
    waiting: Mutex<HashMap<u64, Waiting>>,
}

/// A join asked of another instance.
#[derive(Debug)]
struct Waiting {
    /// The instance asked: if it goes, no answer will come.
    instance: Arc<str>,
    /// Where the answer goes.
    reply: oneshot::Sender<Result<(), RoomError>>,
}

impl PendingJoins {
    fn add(&self, instance: &Arc<str>, reply: oneshot::Sender<Result<(), RoomError>>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let instance = instance.clone();
        self.waiting.lock().insert(id, Waiting { instance, reply });
        id
    }

    /// Hands an answer to the join that waits for it.
    pub fn answer(&self, answer: wire::JoinAnswer) {
        if let Some(waiting) = self.waiting.lock().remove(&answer.request_id) {
            let _ = waiting.reply.send(join_result(answer.result));
        }
    }

    /// Answers the joins asked of an instance that has gone: their room is not there any
    /// more, so the askers look for it again (adopted, by now) rather than wait out the
    /// join's timeout.
    pub fn gone(&self, instance: &str) {
        let mut waiting = self.waiting.lock();
        let asked: Vec<u64> = waiting
            .iter()
            .filter(|(_, join)| &*join.instance == instance)
            .map(|(id, _)| *id)
            .collect();
        for id in asked {
            if let Some(join) = waiting.remove(&id) {
                let _ = join.reply.send(Err(RoomError::RoomNotFound));
            }
        }
    }

    /// Forgets the joins nobody waits for any more (their asker gave up).
    pub fn sweep(&self) {
        self.waiting
            .lock()
            .retain(|_, join| !join.reply.is_closed());
    }
}

/// A room held by another instance.
#[derive(Clone, Debug)]
pub struct RemoteRoom {
    /// The queue to the room's instance.
    link: Arc<PeerLink>,
    /// Where this room's join answers are awaited.
    joins: Arc<PendingJoins>,
}

#[async_trait]
impl rooms::RemoteRoom for RemoteRoom {
    fn home(&self) -> &Arc<str> {
        self.link.instance()
    }

    async fn send(&self, room_id: &str, command: RoomCommand) -> Result<(), RoomError> {
        let request = request(room_id, command, self.link.instance(), &self.joins);
        self.link
            .send(Item::Request(request))
            .await
            .map_err(|_| RoomError::RoomNotFound)
    }
}

fn sender(origin: &Origin) -> wire::Sender {
    wire::Sender {
        player_id: origin.player.id.to_string(),
        address: origin.player.address.to_string(),
        connection: origin.connection,
        role: origin.role.as_str().to_owned(),
        user_agent: origin.user_agent.as_deref().map(str::to_owned),
        browser: origin.browser.as_deref().map(str::to_owned),
    }
}

/// A command as it goes over the bus to instance `to`.
fn request(
    room_id: &str,
    command: RoomCommand,
    to: &Arc<str>,
    joins: &PendingJoins,
) -> wire::RoomRequest {
    use room_request::Kind;
    let forwarded = |request: Request| Kind::Forwarded(ClientMessage::from_kind(request));
    let seconds = |duration: Duration| u32::try_from(duration.as_secs()).unwrap_or(u32::MAX);
    let (origin, kind) = match command {
        RoomCommand::Join {
            origin,
            participant,
            proof,
            blocked,
            check_only,
            reply,
        } => {
            let join = wire::Join {
                request_id: joins.add(to, reply),
                participant: Some(participant),
                proof,
                blocked: blocked.ids().map(str::to_owned).collect(),
                check_only,
            };
            (Some(origin), Kind::Join(join))
        }
        RoomCommand::Leave { origin } => (Some(origin), Kind::Leave(wire::Leave {})),
        RoomCommand::Blocks { origin, blocked } => {
            (Some(origin), Kind::Blocks(blocks_on_the_wire(&blocked)))
        }
        RoomCommand::Notes { origin, batch } => (Some(origin), forwarded(Request::Notes(batch))),
        RoomCommand::Chat {
            origin,
            text,
            taken,
        } => {
            // Its room answers a refusal to the sender; this instance cannot wait for it.
            if let Some(taken) = taken {
                let _ = taken.send(());
            }
            (Some(origin), forwarded(Request::Chat(ChatSend { text })))
        }
        RoomCommand::UpdateSettings {
            origin,
            update,
            password,
        } => {
            let password = match password {
                PasswordChange::Keep => None,
                PasswordChange::Remove => Some(update_settings::Password::RemovePassword(true)),
                PasswordChange::Set { hash } => Some(update_settings::Password::PasswordHash(hash)),
            };
            let update = wire::UpdateSettings {
                update: Some(update),
                password,
            };
            (Some(origin), Kind::UpdateSettings(update))
        }
        RoomCommand::Kick { origin, target } => (
            Some(origin),
            forwarded(Request::Kick(KickPlayer {
                participant_id: target,
            })),
        ),
        RoomCommand::Ban {
            origin,
            target,
            duration,
        } => (
            Some(origin),
            forwarded(Request::Ban(BanPlayer {
                participant_id: target,
                duration_seconds: seconds(duration),
                site_wide: false,
            })),
        ),
        RoomCommand::GiveCrown { origin, target } => (
            Some(origin),
            forwarded(Request::GiveCrown(GiveCrown {
                participant_id: target,
            })),
        ),
        RoomCommand::Mute {
            origin,
            target,
            duration,
        } => (
            Some(origin),
            forwarded(Request::Mute(MutePlayer {
                participant_id: target,
                duration_seconds: seconds(duration),
            })),
        ),
        RoomCommand::DeleteChat { origin, message_id } => (
            Some(origin),
            forwarded(Request::DeleteChat(DeleteChatMessage { message_id })),
        ),
        RoomCommand::TransferOwnership { from, to } => (
            None,
            Kind::TransferOwnership(wire::TransferOwnership { from, to }),
        ),
        RoomCommand::UpdateProfile { participant } => (None, Kind::UpdateProfile(participant)),
        // Only the room's own instance sends these, and only to its rooms.
        RoomCommand::ChatStored { .. }
        | RoomCommand::ChatNotStored { .. }
        | RoomCommand::InstanceGone { .. }
        | RoomCommand::Moved => {
            unreachable!("sent only to rooms held here")
        }
    };
    wire::RoomRequest {
        room_id: room_id.to_owned(),
        sender: origin.map(|origin| sender(&origin)),
        kind: Some(kind),
    }
}

/// What a request from another instance asks of a room here. A join's answer is to be sent
/// back with the receiver and id this returns.
pub struct Arrived {
    pub command: RoomCommand,
    pub join: Option<(u64, oneshot::Receiver<Result<(), RoomError>>)>,
}

/// Turns a request from the instance `from` links to back into a room command; `None` for a
/// request this instance cannot make sense of (logged).
pub fn arrived(request: wire::RoomRequest, from: &Arc<PeerLink>) -> Option<Arrived> {
    use room_request::Kind;
    let origin = request.sender.and_then(|sender| origin(sender, from));
    let simple = |command| {
        Some(Arrived {
            command,
            join: None,
        })
    };
    match (request.kind?, origin) {
        (Kind::Join(join), Some(origin)) => {
            let (reply, answer) = oneshot::channel();
            Some(Arrived {
                command: RoomCommand::Join {
                    origin,
                    participant: join.participant?,
                    proof: join.proof,
                    blocked: BlockedPlayers::new(join.blocked),
                    check_only: join.check_only,
                    reply,
                },
                join: Some((join.request_id, answer)),
            })
        }
        (Kind::Leave(_), Some(origin)) => simple(RoomCommand::Leave { origin }),
        (Kind::Blocks(blocks), Some(origin)) => simple(RoomCommand::Blocks {
            origin,
            blocked: BlockedPlayers::new(blocks.players),
        }),
        (Kind::Forwarded(message), Some(origin)) => {
            simple(RoomCommand::forwarded(origin, message.kind?)?)
        }
        (Kind::UpdateSettings(settings), Some(origin)) => {
            let password = match settings.password {
                None => PasswordChange::Keep,
                Some(update_settings::Password::RemovePassword(_)) => PasswordChange::Remove,
                Some(update_settings::Password::PasswordHash(hash)) => PasswordChange::Set { hash },
            };
            simple(RoomCommand::UpdateSettings {
                origin,
                update: settings.update?,
                password,
            })
        }
        (Kind::UpdateProfile(participant), _) => simple(RoomCommand::UpdateProfile { participant }),
        (Kind::TransferOwnership(transfer), _) => simple(RoomCommand::TransferOwnership {
            from: transfer.from,
            to: transfer.to,
        }),
        (_, None) => {
            tracing::warn!("a room request on the bus without a valid sender");
            None
        }
    }
}

/// A block list as it goes over the bus.
pub fn blocks_on_the_wire(blocked: &BlockedPlayers) -> wire::Blocks {
    wire::Blocks {
        players: blocked.ids().map(str::to_owned).collect(),
    }
}

fn origin(sender: wire::Sender, from: &Arc<PeerLink>) -> Option<Arc<Origin>> {
    let address = sender.address.parse().ok()?;
    Some(Arc::new(Origin {
        player: Player::new(&sender.player_id, address),
        connection: sender.connection,
        outbox: Outbox::remote(from.clone(), sender.connection),
        role: Role::parse(&sender.role)?,
        user_agent: sender.user_agent.map(Arc::from),
        browser: sender.browser.map(Arc::from),
    }))
}

/// A join's result as it goes back over the bus.
pub fn join_answer(request_id: u64, result: Result<(), RoomError>) -> Item {
    let refusal = |reason: Reason| wire::JoinRefusal {
        reason: reason as i32,
        ..Default::default()
    };
    let result = match result {
        Ok(()) => join_answer::Result::Joined(true),
        Err(RoomError::RoomFull) => join_answer::Result::Refused(refusal(Reason::RoomFull)),
        Err(RoomError::Banned { seconds_left }) => {
            join_answer::Result::Refused(wire::JoinRefusal {
                seconds_left,
                ..refusal(Reason::Banned)
            })
        }
        Err(RoomError::PasswordCheck { hash, private }) => {
            join_answer::Result::Refused(wire::JoinRefusal {
                password_hash: hash,
                private,
                ..refusal(Reason::PasswordCheck)
            })
        }
        Err(_) => join_answer::Result::Refused(refusal(Reason::RoomNotFound)),
    };
    Item::JoinAnswer(wire::JoinAnswer {
        request_id,
        result: Some(result),
    })
}

fn join_result(result: Option<join_answer::Result>) -> Result<(), RoomError> {
    match result {
        Some(join_answer::Result::Joined(_)) => Ok(()),
        Some(join_answer::Result::Refused(refusal)) => Err(match refusal.reason() {
            Reason::RoomNotFound => RoomError::RoomNotFound,
            Reason::RoomFull => RoomError::RoomFull,
            Reason::Banned => RoomError::Banned {
                seconds_left: refusal.seconds_left,
            },
            Reason::PasswordCheck => RoomError::PasswordCheck {
                hash: refusal.password_hash,
                private: refusal.private,
            },
        }),
        None => Err(RoomError::RoomNotFound),
    }
}

/// Where the links to other instances and the joins waiting on them are kept.
#[derive(Clone)]
pub struct Remotes {
    /// The queue to each other instance.
    pub peers: Arc<Peers>,
    /// The joins waiting for another instance's answer.
    pub joins: Arc<PendingJoins>,
}

impl Remotes {
    /// A room held by `instance`.
    pub fn room(&self, instance: &str) -> Arc<dyn rooms::RemoteRoom> {
        Arc::new(RemoteRoom {
            link: self.peers.link(instance),
            joins: self.joins.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_join_answer_survives_the_trip() {
        let results = [
            Ok(()),
            Err(RoomError::RoomNotFound),
            Err(RoomError::RoomFull),
            Err(RoomError::Banned { seconds_left: 42 }),
            Err(RoomError::PasswordCheck {
                hash: "$argon2id$x".into(),
                private: true,
            }),
        ];
        for result in results {
            let Item::JoinAnswer(answer) = join_answer(7, result.clone()) else {
                panic!("a join answer");
            };
            assert_eq!(answer.request_id, 7);
            assert_eq!(join_result(answer.result), result);
        }
    }

    #[test]
    fn the_joins_asked_of_a_gone_instance_are_not_found_and_the_others_still_wait() {
        let joins = PendingJoins::default();
        let (gone, other): (Arc<str>, Arc<str>) = ("gone".into(), "other".into());
        let (reply, mut to_gone) = oneshot::channel();
        joins.add(&gone, reply);
        let (reply, mut to_other) = oneshot::channel();
        let other_id = joins.add(&other, reply);

        joins.gone(&gone);
        assert_eq!(to_gone.try_recv(), Ok(Err(RoomError::RoomNotFound)));
        assert!(to_other.try_recv().is_err(), "still waiting");

        let Item::JoinAnswer(answer) = join_answer(other_id, Ok(())) else {
            panic!("a join answer");
        };
        joins.answer(answer);
        assert_eq!(to_other.try_recv(), Ok(Ok(())));
    }
}
