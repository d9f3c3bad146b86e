//! Who is asking: a guest (a session with no account) or a signed-in account, with where
//! they came from for the audit log.

use std::net::IpAddr;

use pianorhythm_core::{
    domain::user::{Role, User},
    protocol::Participant,
};

use crate::guest::Guest;

#[derive(Clone, Debug)]
pub enum Identity {
    Guest(Guest),
    /// Boxed: an account is several times the size of a guest.
    Member(Box<User>),
}

impl Identity {
    /// The player's id in rooms and limits: the guest's id, or the account's.
    pub fn id(&self) -> &str {
        match self {
            Identity::Guest(guest) => &guest.id,
            Identity::Member(user) => &user.id,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            Identity::Guest(_) => Role::Guest,
            Identity::Member(user) => user.role(),
        }
    }

    pub fn participant(&self) -> Participant {
        match self {
            Identity::Guest(guest) => guest.participant(),
            Identity::Member(user) => Participant {
                id: user.id.clone(),
                name: user.username.clone(),
                color: user.color.clone(),
                usertag: user.usertag.clone(),
                // Shown only from the hosts the site allows: see `Accounts::shown_avatar`.
                ..Participant::default()
            },
        }
    }

    pub fn user(&self) -> Option<&User> {
        match self {
            Identity::Guest(_) => None,
            Identity::Member(user) => Some(user),
        }
    }
}

/// A request's caller: who, and from where (for the audit log).
#[derive(Clone, Debug)]
pub struct Caller {
    /// The guest or account asking.
    pub identity: Identity,
    /// Where the request came from.
    pub address: IpAddr,
    /// The client's `User-Agent`, as sent.
    pub user_agent: Option<String>,
    /// Whether an API access token (not the session cookie) identified the caller.
    pub by_token: bool,
}

impl Caller {
    pub fn role(&self) -> Role {
        self.identity.role()
    }
}
