//! What an instance does for the others when they share a bus (`REDIS_URL`).
//!
//! Two tasks run until shutdown:
//! - the dispatcher hands what other instances send to this one's connections (frames), rooms
//!   (commands) and waiting joins (answers);
//! - the keeper, every second, says this instance is alive, shares what the lobby shows of
//!   its rooms, reads the others' and notices instances that have gone: their players'
//!   connections leave the rooms held here, the players here whose room they held join it
//!   again, and their rooms are adopted by whichever live instance claims each first. An
//!   instance cut off from Redis long enough to be taken for gone makes up for it when it is
//!   back: it hands the rooms adopted meanwhile over, and its players join their rooms again.
//!
//! Players are told when the link to Redis breaks and when it is back.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use parking_lot::Mutex;
use pianorhythm_core::protocol::ErrorCode;
use pianorhythm_engine::{
    blocks::BlockedPlayers,
    frames,
    live::LiveConnections,
    names,
    outbox::{Goodbye, Rejoin},
    rooms::{Registry, RoomCommand, RoomError},
    shutdown::Shutdown,
};
use tokio::{sync::mpsc, time::Instant};

use crate::{
    bus::{
        wire::{self, item::Kind as Item},
        Bus,
    },
    placement::{Placement, ALIVE_FOR},
    remote::{self, Remotes},
};

/// How often the keeper runs.
const KEEP_EVERY: Duration = Duration::from_secs(1);
/// After the link to Redis comes back, how long before anyone is taken for gone: every
/// instance needs a heartbeat or two to say it is alive again.
const RELINK_GRACE: Duration = Duration::from_millis(ALIVE_FOR.as_millis() as u64 + 1_000);

/// What players are told when the link between servers breaks, and when it is back.
pub const LINK_LOST: &str =
    "Players on other servers cannot hear you for now: the link between servers is down";
pub const LINK_BACK: &str = "Players on other servers hear you again";

/// What both tasks need.
#[derive(Clone)]
pub struct ClusterTasks {
    /// Broadcasts (and who is subscribed): the link to the other instances.
    pub bus: Bus,
    /// The rooms held here, to hand them commands, hand them over and adopt others.
    pub registry: Arc<Registry>,
    /// This instance's connections, to hand them frames and tell them things.
    pub live: Arc<LiveConnections>,
    /// Where every room lives, and who is alive.
    pub placement: Placement,
    /// The queues to the other instances, and the joins waiting on them.
    pub remotes: Remotes,
    /// The instances taken for gone, until they say they are back: frames from a stale copy
    /// of a room they held are not delivered.
    pub gone: Arc<Mutex<HashSet<Arc<str>>>>,
}

impl ClusterTasks {
    /// Starts the dispatcher and the keeper.
    pub fn spawn(self, incoming: mpsc::Receiver<wire::Envelope>, shutdown: Shutdown) {
        tokio::spawn(self.clone().dispatch(incoming, shutdown.clone()));
        tokio::spawn(self.keep(shutdown));
    }

    async fn dispatch(self, mut incoming: mpsc::Receiver<wire::Envelope>, shutdown: Shutdown) {
        while let Some(Some(envelope)) = shutdown.run_until_cancelled(incoming.recv()).await {
            for item in envelope.items {
                match item.kind {
                    Some(Item::Delivery(delivery)) => {
                        if self.gone.lock().contains(envelope.from.as_str()) {
                            continue;
                        }
                        let frame = bytes::Bytes::from(delivery.frame);
                        self.live.deliver(&delivery.connections, &frame);
                    }
                    Some(Item::Request(request)) => self.serve(&envelope.from, request).await,
                    Some(Item::JoinAnswer(answer)) => self.remotes.joins.answer(answer),
                    Some(Item::ClosePlayer(player)) => self
                        .live
                        .close_player_here(&player, Goodbye::BannedFromSite),
                    Some(Item::RolesChanged(player)) => {
                        self.live.close_player_here(&player, Goodbye::RolesChanged)
                    }
                    // What this instance broadcast, its own players had at once.
                    Some(
                        Item::PlayerDelivery(_)
                        | Item::PlayerBlocks(_)
                        | Item::PlayerLeaves(_)
                        | Item::FriendsChanged(_)
                        | Item::ProfileChanged(_),
                    ) if envelope.from == **self.placement.here() => {}
                    Some(Item::PlayerDelivery(delivery)) => {
                        let frame = bytes::Bytes::from(delivery.frame);
                        self.live.tell_players_here(&delivery.players, &frame);
                    }
                    Some(Item::PlayerBlocks(update)) => {
                        let players = update.blocks.map(|blocks| blocks.players);
                        let blocked = BlockedPlayers::new(players.unwrap_or_default());
                        self.live.set_blocks_here(&update.player_id, &blocked);
                    }
                    Some(Item::ProfileChanged(changed)) => {
                        self.live
                            .profile_changed_here(&changed.player_id, changed.except);
                    }
                    Some(Item::FriendsChanged(changed)) => {
                        self.live.friends_changed_here(&changed.players);
                    }
                    Some(Item::PlayerLeaves(leaves)) => {
                        self.live
                            .leave_room_here(&leaves.player_id, &leaves.room_id);
                    }
                    Some(Item::Returned(_)) => {
                        self.gone.lock().remove(envelope.from.as_str());
                    }
                    Some(Item::ProbeSentAt(_)) | None => {}
                }
            }
        }
    }

    /// A command from instance `from` for a room held here.
    async fn serve(&self, from: &str, request: wire::RoomRequest) {
        let link = self.remotes.peers.link(from);
        let room = self.registry.local(&request.room_id);
        let Some(arrived) = remote::arrived(request, &link) else {
            return;
        };
        let Some(room) = room else {
            // The room closed or moved on: a join is told so; anything else is dropped, and
            // its sender learns when its instance notices.
            if let Some((id, _)) = arrived.join {
                let _ = link
                    .send(remote::join_answer(id, Err(RoomError::RoomNotFound)))
                    .await;
            }
            return;
        };
        let sent = room.send(arrived.command).await;
        if let Some((id, answer)) = arrived.join {
            // The answer goes into the same queue as the room's frames, after the ones the
            // join itself pushed.
            tokio::spawn(async move {
                let result = match sent {
                    Ok(()) => answer.await.unwrap_or(Err(RoomError::RoomNotFound)),
                    Err(error) => Err(error),
                };
                let _ = link.send(remote::join_answer(id, result)).await;
            });
        }
    }

    async fn keep(self, shutdown: Shutdown) {
        let mut every = tokio::time::interval(KEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut subscribed = self.bus.subscribed();
        let mut linked_since = Some(Instant::now());
        let mut told_lost = false;
        // When this instance last said it was alive, and whether it has been silent long
        // enough since to be taken for gone (and has not yet made up for it).
        let mut last_alive = Instant::now();
        let mut cut_off = false;
        loop {
            tokio::select! {
                _ = every.tick() => {}
                changed = subscribed.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let up = *subscribed.borrow_and_update();
                    linked_since = up.then(Instant::now);
                    if up && told_lost {
                        told_lost = false;
                        self.live.tell_all(&frames::error(ErrorCode::Unspecified, LINK_BACK));
                    } else if !up && !shutdown.is_cancelled() {
                        told_lost = true;
                        self.live.tell_all(&frames::error(ErrorCode::Unspecified, LINK_LOST));
                    }
                    continue;
                }
                () = shutdown.cancelled() => return,
            }
            if let Err(error) = self.placement.heartbeat().await {
                tracing::warn!(%error, "cannot tell the other instances this one is alive");
                continue;
            }
            cut_off |= last_alive.elapsed() >= ALIVE_FOR;
            last_alive = Instant::now();
            let settled = linked_since.is_some_and(|since| since.elapsed() >= RELINK_GRACE);
            if cut_off {
                // Nothing is shared until every instance has had the time to speak again.
                if !settled {
                    continue;
                }
                match self.come_back().await {
                    Ok(()) => cut_off = false,
                    Err(error) => {
                        tracing::warn!(%error, "cannot make up for the time cut off");
                        continue;
                    }
                }
            }
            if let Err(error) = self.share_rooms().await {
                tracing::warn!(%error, "cannot share this instance's rooms on the bus");
                continue;
            }
            if let Err(error) = self.look_around(settled).await {
                tracing::warn!(%error, "cannot read the other instances' rooms");
            }
            self.remotes.joins.sweep();
        }
    }

    /// After being cut off from Redis for long enough to be taken for gone: the rooms another
    /// instance adopted meanwhile are handed over to it, and this instance's players in rooms
    /// held elsewhere (which took them out) join them again.
    async fn come_back(&self) -> redis::RedisResult<()> {
        let homes = self.placement.snapshot().await?.homes;
        let here = self.placement.here();
        for room in self.registry.local_rooms() {
            if homes.get(&*room.id).is_some_and(|home| **home != **here) {
                self.registry.hand_over(&room.id).await;
            }
        }
        self.live.rejoin(&Rejoin::AnyRemote);
        let returned = wire::Item {
            kind: Some(Item::Returned(true)),
        };
        // Asked again at the next beat if this fails: until the others hear it, they drop
        // what this instance sends their players.
        self.bus.broadcast(vec![returned]).await
    }

    /// Shares what the lobby shows of this instance's rooms (claiming them again, and their
    /// names, if Redis has forgotten them).
    async fn share_rooms(&self) -> redis::RedisResult<()> {
        let listings: Vec<_> = self
            .registry
            .local_listings()
            .into_iter()
            .map(|(id, summary, private)| {
                let key = names::room_key(&summary.name);
                let listed = wire::ListedRoom {
                    summary: Some(summary),
                    private,
                };
                (id, key, listed)
            })
            .collect();
        self.placement.publish(&listings).await
    }

    /// Reads where every room lives; when `settled`, deals with the instances that have gone.
    async fn look_around(&self, settled: bool) -> redis::RedisResult<()> {
        let snapshot = self.placement.snapshot().await?;
        let here = self.placement.here().to_string();
        let local: HashSet<String> = self
            .registry
            .local_listings()
            .into_iter()
            .map(|(id, summary, _)| {
                let key = names::room_key(&summary.name);
                format!("{key}\u{0}{id}")
            })
            .collect();
        // Names that no longer name a live room (closed, or renamed here).
        for (key, id) in &snapshot.names {
            let renamed_here =
                self.registry.local(id).is_some() && !local.contains(&format!("{key}\u{0}{id}"));
            if !snapshot.homes.contains_key(id) || renamed_here {
                self.placement.forget_name(key, id).await?;
            }
        }
        let remote = snapshot
            .listed
            .iter()
            .filter(|(id, _)| {
                snapshot.homes.get(*id).is_some_and(|home| *home != here)
                    && self.registry.local(id).is_none()
            })
            .filter_map(|(_, listed)| Some((listed.summary.clone()?, listed.private)))
            .collect();
        self.registry.set_remote_listings(remote);
        if settled {
            self.after_the_gone(&snapshot.homes, &here).await?;
        }
        Ok(())
    }

    /// Finds the instances that have gone and deals with what they leave behind.
    async fn after_the_gone(
        &self,
        homes: &HashMap<String, String>,
        here: &str,
    ) -> redis::RedisResult<()> {
        let mut others: Vec<String> = homes
            .values()
            .filter(|home| *home != here)
            .cloned()
            .chain(self.remotes.peers.known().iter().map(|i| i.to_string()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        others.sort();
        let alive = self.placement.alive(&others).await?;
        let gone: Vec<Arc<str>> = others
            .into_iter()
            .zip(alive)
            .filter(|(_, alive)| !alive)
            .map(|(instance, _)| instance.into())
            .collect();
        for instance in &gone {
            if !self.gone.lock().insert(instance.clone()) {
                continue;
            }
            tracing::warn!(%instance, "an instance has gone");
            self.remotes.peers.forget(instance);
            self.remotes.joins.gone(instance);
            for room in self.registry.local_rooms() {
                let command = RoomCommand::InstanceGone {
                    instance: instance.clone(),
                };
                let _ = room.send(command).await;
            }
            self.live.rejoin(&Rejoin::HeldBy(instance.clone()));
        }
        for (id, home) in homes {
            if gone.iter().any(|instance| **instance == **home) {
                self.registry.adopt(id).await;
            }
        }
        Ok(())
    }
}
