//! Which rooms are live: found by id or by name, with what the lobby shows of each.
//!
//! Names are unique among live rooms by their [`names::room_key`]: case and look-alike letters
//! do not make a second "Lobby". Ids are looked up first, so no name can shadow a room's id.

use std::{collections::HashMap, sync::Arc};

use parking_lot::Mutex;
use pianorhythm_core::rooms::{busiest_first, RoomSummary};
use tokio::sync::Notify;

use super::{RoomError, RoomHandle};
use crate::names;

#[derive(Default)]
pub struct Directory {
    /// Every live room, by id and by name.
    rooms: Mutex<Rooms>,
    /// Wakes the room list's publisher when a summary changes.
    pub(super) list_changed: Notify,
}

#[derive(Default)]
struct Rooms {
    /// Each live room's handle.
    by_id: HashMap<Arc<str>, RoomHandle>,
    /// Room key (see [`names::room_key`]) to id.
    ids_by_key: HashMap<String, Arc<str>>,
    /// What the lobby shows of each room, with whether it is private (and so not shown).
    summaries: HashMap<Arc<str>, (RoomSummary, bool)>,
    /// The same for the rooms other instances hold, as the cluster last shared them.
    remote: Vec<(RoomSummary, bool)>,
}

impl Directory {
    /// A room by id, else by name (ignoring case and look-alike letters).
    pub fn find(&self, name_or_id: &str) -> Option<RoomHandle> {
        let rooms = self.rooms.lock();
        if let Some(room) = rooms.by_id.get(name_or_id) {
            return Some(room.clone());
        }
        let id = rooms.ids_by_key.get(&names::room_key(name_or_id.trim()))?;
        rooms.by_id.get(id).cloned()
    }

    /// Every live room's handle.
    pub fn handles(&self) -> Vec<RoomHandle> {
        self.rooms.lock().by_id.values().cloned().collect()
    }

    /// Adds a room under `name`, unless a live room has that name (or one like it) or `name`
    /// is some room's id.
    pub(super) fn insert(&self, name: &str, handle: RoomHandle) -> Result<(), RoomError> {
        let mut rooms = self.rooms.lock();
        let key = names::room_key(name);
        if rooms.ids_by_key.contains_key(&key) || rooms.by_id.contains_key(name) {
            return Err(RoomError::NameTaken);
        }
        rooms.ids_by_key.insert(key, handle.id.clone());
        rooms.by_id.insert(handle.id.clone(), handle);
        Ok(())
    }

    /// Moves a room to a new name, if no other live room has it (or one like it).
    pub(super) fn rename(&self, id: &Arc<str>, old: &str, new: &str) -> Result<(), RoomError> {
        let mut rooms = self.rooms.lock();
        let (old_key, new_key) = (names::room_key(old), names::room_key(new));
        if old_key == new_key {
            return Ok(());
        }
        if rooms.ids_by_key.contains_key(&new_key) || rooms.by_id.contains_key(new) {
            return Err(RoomError::NameTaken);
        }
        rooms.ids_by_key.remove(&old_key);
        rooms.ids_by_key.insert(new_key, id.clone());
        Ok(())
    }

    pub(super) fn remove(&self, id: &Arc<str>, name: &str) {
        let mut rooms = self.rooms.lock();
        rooms.by_id.remove(id);
        let key = names::room_key(name);
        if rooms.ids_by_key.get(&key) == Some(id) {
            rooms.ids_by_key.remove(&key);
        }
        rooms.summaries.remove(id);
        drop(rooms);
        self.list_changed.notify_one();
    }

    /// Records what the lobby should show of a room.
    pub(super) fn publish(&self, id: &Arc<str>, summary: RoomSummary, private: bool) {
        let mut rooms = self.rooms.lock();
        let entry = (summary, private);
        if rooms.summaries.get(id) != Some(&entry) {
            rooms.summaries.insert(id.clone(), entry);
            drop(rooms);
            self.list_changed.notify_one();
        }
    }

    /// What the lobby shows of each room held here, and whether it is private.
    pub fn local_listings(&self) -> Vec<(Arc<str>, RoomSummary, bool)> {
        let rooms = self.rooms.lock();
        rooms
            .summaries
            .iter()
            .map(|(id, (summary, private))| (id.clone(), summary.clone(), *private))
            .collect()
    }

    /// Replaces what the lobby shows of the rooms other instances hold.
    pub fn set_remote(&self, mut remote: Vec<(RoomSummary, bool)>) {
        remote.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let mut rooms = self.rooms.lock();
        if rooms.remote != remote {
            rooms.remote = remote;
            drop(rooms);
            self.list_changed.notify_one();
        }
    }

    /// How many rooms are live here, and how many players are in them.
    pub fn totals(&self) -> (usize, u64) {
        let rooms = self.rooms.lock();
        let players = rooms
            .summaries
            .values()
            .map(|(summary, _)| u64::from(summary.player_count))
            .sum();
        (rooms.by_id.len(), players)
    }

    /// What the lobby shows of a room held here, private or not.
    pub fn summary(&self, id: &str) -> Option<RoomSummary> {
        let rooms = self.rooms.lock();
        rooms.summaries.get(id).map(|(summary, _)| summary.clone())
    }

    /// Public rooms: the Lobby first, then the busiest.
    pub fn public_rooms(&self) -> Vec<RoomSummary> {
        let rooms = self.rooms.lock();
        let mut rooms: Vec<RoomSummary> = rooms
            .summaries
            .values()
            .chain(&rooms.remote)
            .filter(|(_, private)| !private)
            .map(|(summary, _)| summary.clone())
            .collect();
        rooms.sort_by(busiest_first);
        rooms
    }
}
