//! Creating rooms and letting players into them and out again: the rules the WebSocket and
//! the REST API share. The API's room routes are thin adapters over [`RoomService`]; a
//! connection creates rooms with [`create`] and enters the room of a ticket the service
//! issued.

use std::sync::Arc;

use axum::http::request::Parts;
use pianorhythm_api::{rooms::CreateRoomForm, services::RoomDirectory};
use pianorhythm_core::{protocol::RoomSettingsUpdate, rooms::RoomSummary, validation};
use pianorhythm_engine::{
    clock,
    limits::{Player, PlayerLimits},
    live::LiveConnections,
    names, outbox,
    rooms::{password, Origin, PasswordChange, Registry, RoomError, RoomHandle, RoomSettings},
};
use tower_sessions::Session;

use crate::{
    accounts::{Accounts, Caller, Identity, TicketClaims},
    guest,
    service_error::ServiceError,
};

/// Creates a room owned by `owner`: the settings' rules, a name no live room has, and the
/// owner's allowance of room creations. The creator is not in it yet.
pub async fn create(
    registry: &Registry,
    limits: &Arc<PlayerLimits>,
    owner: &Player,
    mut update: RoomSettingsUpdate,
) -> Result<RoomHandle, RoomError> {
    let mut settings = RoomSettings::create(&update)?;
    settings.name = names::room_name(&settings.name)?;
    if registry.find(&settings.name).await.is_some() {
        return Err(RoomError::NameTaken);
    }
    // Charged before the password is hashed, which is the costly part.
    let permit = limits.create_room_everywhere(owner).await?;
    if let PasswordChange::Set { hash } = take_password(&mut update).await? {
        settings.password = Some(hash);
    }
    registry.create(settings, owner, permit).await
}

/// Takes the password out of a settings update and hashes it here, so the room never does.
pub async fn take_password(update: &mut RoomSettingsUpdate) -> Result<PasswordChange, RoomError> {
    let Some(plain) = update.password.take() else {
        return Ok(PasswordChange::Keep);
    };
    Ok(match validation::password(&plain)? {
        None => PasswordChange::Remove,
        Some(plain) => PasswordChange::Set {
            hash: password::hash(plain).await,
        },
    })
}

/// The guest id of the caller's browser, so a room ban holds for the browser whoever is signed
/// in: a guest is their browser; a signed-in session keeps a guest of its own for after
/// sign-out. A token has no browser.
pub async fn browser_of(caller: &Caller, session: &Session) -> Option<Arc<str>> {
    if caller.by_token {
        return None;
    }
    match &caller.identity {
        Identity::Guest(guest) => Some(Arc::from(guest.id.as_str())),
        Identity::Member(_) => guest::of_browser(session, clock::today())
            .await
            .map(|guest| Arc::from(guest.id)),
    }
}

/// Rooms as the REST API offers them: create one, get a ticket into one, leave one.
#[derive(Clone)]
pub struct RoomService {
    /// Finds and creates rooms.
    registry: Arc<Registry>,
    /// Room creations and join attempts are charged to the player here, as over the socket.
    limits: Arc<PlayerLimits>,
    /// A player's connections on every instance, to take them out of a room.
    live: Arc<LiveConnections>,
    /// Signs and checks room tickets.
    accounts: Accounts,
}

/// The lobby's server functions: its list, and creating a room from its form.
#[async_trait::async_trait]
impl RoomDirectory for RoomService {
    fn public_rooms(&self) -> Vec<RoomSummary> {
        self.registry.public_rooms()
    }

    async fn create_room(
        &self,
        request: &Parts,
        form: CreateRoomForm,
    ) -> Result<RoomSummary, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        self.create(&caller, form.into_settings())
            .await
            .map_err(|error| match error {
                // The store's own words are for the log.
                RoomError::Storage(detail) => ServiceError::unavailable(detail).to_string(),
                error => error.to_string(),
            })
    }
}

/// A ticket into a room, and how many seconds it is good for.
pub struct IssuedTicket {
    /// The signed ticket, for `/ws?v=1&ticket=`.
    pub ticket: String,
    /// Seconds it is good for.
    pub expires_in: u64,
}

impl RoomService {
    pub fn new(
        registry: Arc<Registry>,
        limits: Arc<PlayerLimits>,
        live: Arc<LiveConnections>,
        accounts: Accounts,
    ) -> Self {
        Self {
            registry,
            limits,
            live,
            accounts,
        }
    }

    /// Creates a room owned by the caller; answers it as the room list shows it.
    pub async fn create(
        &self,
        caller: &Caller,
        update: RoomSettingsUpdate,
    ) -> Result<RoomSummary, RoomError> {
        let owner = player(caller);
        let room = create(&self.registry, &self.limits, &owner, update).await?;
        // Listed as it is created; gone again only if it closed at once.
        self.registry
            .summary(&room.id)
            .ok_or(RoomError::RoomNotFound)
    }

    /// A ticket into room `name_or_id` for the caller, if the room would let them in now
    /// (its password, bans and capacity, as joining over the socket asks). A join attempt is
    /// charged as over the socket.
    pub async fn ticket(
        &self,
        caller: &Caller,
        session: &Session,
        name_or_id: &str,
        password: Option<String>,
    ) -> Result<IssuedTicket, RoomError> {
        let player = player(caller);
        self.limits.try_join_everywhere(&player).await?;
        let Some(room) = self.registry.find(name_or_id).await else {
            // As long as a wrong password takes: timing tells no more than the answer.
            if let Some(password) = password {
                password::verify_nothing(password).await;
            }
            return Err(RoomError::RoomNotFound);
        };
        // Asked as a connection that is never opened: the room sends it nothing.
        let (outbox, _never_read) = outbox::outbox(1);
        let origin = Arc::new(Origin {
            player,
            connection: 0,
            outbox,
            role: caller.role(),
            user_agent: caller.user_agent.as_deref().map(Arc::from),
            browser: browser_of(caller, session).await,
        });
        let participant = caller.identity.participant();
        let proof = room.check_entry(origin, participant, password).await?;
        let (ticket, expires_in) = self
            .accounts
            .room_ticket(caller.identity.id(), &room.id, proof);
        Ok(IssuedTicket { ticket, expires_in })
    }

    /// Takes every connection of the caller, on every instance, out of room `name_or_id`.
    pub async fn leave(&self, caller: &Caller, name_or_id: &str) -> Result<(), RoomError> {
        let room = self
            .registry
            .find(name_or_id)
            .await
            .ok_or(RoomError::RoomNotFound)?;
        self.live.leave_room(caller.identity.id(), &room.id);
        Ok(())
    }
}

/// What a room ticket says, if it is ours, in date, and the caller's: a ticket found in a log
/// lets no one else in.
pub fn check_ticket(
    accounts: &Accounts,
    caller: &Caller,
    ticket: &str,
) -> Result<TicketClaims, ServiceError> {
    let claims = accounts.check_room_ticket(ticket)?;
    if claims.sub != caller.identity.id() {
        return Err(ServiceError::NotYourTicket);
    }
    Ok(claims)
}

/// Who an action of the caller's is charged to.
fn player(caller: &Caller) -> Player {
    Player::new(caller.identity.id(), caller.address)
}
