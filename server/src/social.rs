//! [`Social`]: what players do about each other. A player blocks another: a member's list is
//! kept on the account, a guest's in their session, and every connection of the blocker, on
//! every instance, passes the new list to its room at once. The REST API and the server
//! functions are thin adapters over it.
//!
//! - `blocks`: whom a player blocks, and where the list is kept
//! - `pages`: this service as the server functions see it

mod blocks;
mod pages;

use std::sync::Arc;

use pianorhythm_engine::live::LiveConnections;
use pianorhythm_store::{
    ports::{BlockStore, UserStore},
    Store,
};

pub use pages::SocialPages;

/// Cheap to clone: every handler holds one.
#[derive(Clone)]
pub struct Social {
    inner: Arc<Inner>,
}

struct Inner {
    /// Members' block lists.
    blocks: Arc<dyn BlockStore>,
    /// Accounts, to tell a member from a guest and name them.
    users: Arc<dyn UserStore>,
    /// Every open connection, to hand a new block list to the blocker's rooms.
    live: Arc<LiveConnections>,
}

impl Social {
    pub fn new(store: &Store, live: Arc<LiveConnections>) -> Self {
        Self {
            inner: Arc::new(Inner {
                blocks: store.blocks.clone(),
                users: store.users.clone(),
                live,
            }),
        }
    }
}
