//! What a player's requests do: joining, creating and leaving rooms, their profile, the room
//! list, and everything else forwarded to their room. The socket loop (`connection`) decodes
//! frames; this turns each request into commands.

use std::{sync::Arc, time::Duration};

use pianorhythm_core::domain::{ban::BanLength, report::SiteBan, user::Role};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, DirectMessageAnswer, ErrorCode,
    Instrument, JoinRoom, Participant, ParticipantUpdated, RoomSettingsUpdate, SendDirectMessage,
    SetProfile, TimePong,
};
use pianorhythm_engine::{
    blocks::BlockedPlayers,
    clock, frames,
    limits::PlayerLimits,
    names,
    outbox::{Goodbye, Rejoin},
    rooms::{password, Origin, Registry, RoomCommand, RoomError, RoomHandle},
};
use tokio::sync::oneshot;
use tower_sessions::Session;

use crate::{
    accounts::{Accounts, Caller, Identity, TicketClaims},
    guest, rooms,
    service_error::ServiceError,
    social::{PresenceReport, Social},
};

/// A site ban asked for without a length lasts this long.
const DEFAULT_SITE_BAN: Duration = Duration::from_secs(24 * 60 * 60);
/// How often, and how far apart, a player whose room's instance has gone (or who finds it
/// gone while joining) tries to join it again while a live instance adopts it.
const REJOIN_ATTEMPTS: u32 = 10;
const REJOIN_PAUSE: Duration = Duration::from_millis(500);

pub struct Handler {
    /// This connection as rooms see it: the player, the connection id, its outbox.
    pub origin: Arc<Origin>,
    /// Who the player is (guest or account), changed by profile updates, and where from.
    caller: Caller,
    /// Whom the player blocks, as the rooms they join must know.
    blocked: BlockedPlayers,
    /// A member's whereabouts, for their friends (guests have none).
    presence: Option<PresenceReport>,
    /// Where a member's mentions of other members go.
    social: Social,
    /// Where a guest's identity is kept between visits.
    session: Session,
    /// Finds and creates rooms, and feeds the room list.
    registry: Arc<Registry>,
    /// Join attempts and room creations are charged to the player here.
    limits: Arc<PlayerLimits>,
    /// Profile changes and site bans.
    accounts: Accounts,
    /// The room this connection is in, if any.
    room: Option<Joined>,
    /// The SoundFont preset the player plays with here (none: the piano); on connecting, the
    /// one kept from their last visit, if it still passes the rules.
    instrument: Option<Instrument>,
    /// The instrument kept for the next visit (account settings or guest session), as
    /// stored: choosing it again writes nothing.
    kept_instrument: Option<Instrument>,
    /// The room ticket the connection came with, until its room is entered.
    ticket: Option<TicketClaims>,
}

/// What a player shows a room to be let in.
enum Entry {
    /// A newcomer: the password they typed, if any.
    Password(Option<String>),
    /// A player who was in the room before it moved: the proof that let them in then.
    Proof(Option<String>),
}

/// The room a connection is in.
struct Joined {
    room: RoomHandle,
    /// The password hash that let the player in, to join again without the password when
    /// the room moves to another instance.
    proof: Option<String>,
}

/// Who is at the other end of a connection, as its handler starts with them.
pub struct Client {
    /// Who they are (guest or account), and where from.
    pub caller: Caller,
    /// Where a guest's identity is kept between visits.
    pub session: Session,
    /// Whom they block, as stored.
    pub blocked: BlockedPlayers,
    /// A member's whereabouts, for their friends.
    pub presence: Option<PresenceReport>,
    /// Mentions in the member's chat lines notify the members they name.
    pub social: Social,
    /// The room ticket they came with, if any: its room is entered once they are welcomed.
    pub ticket: Option<TicketClaims>,
}

impl Handler {
    /// The player's handler, playing the instrument kept from their last visit.
    pub async fn new(
        origin: Arc<Origin>,
        client: Client,
        registry: Arc<Registry>,
        limits: Arc<PlayerLimits>,
        accounts: Accounts,
    ) -> Self {
        let Client {
            caller,
            session,
            blocked,
            presence,
            social,
            ticket,
        } = client;
        let kept_instrument = accounts.kept_instrument(&session, &caller.identity).await;
        // Kept under the rules of its day: a value that no longer passes is the piano.
        let instrument = kept_instrument.as_ref().and_then(|kept| {
            names::instrument(kept)
                .inspect_err(|invalid| tracing::info!(%invalid, "ignoring a kept instrument"))
                .ok()
        });
        Self {
            origin,
            caller,
            blocked,
            presence,
            social,
            session,
            registry,
            limits,
            accounts,
            room: None,
            instrument,
            kept_instrument,
            ticket,
        }
    }

    /// This connection's account's site ban as recorded, to tell the player why it ends.
    pub async fn site_ban(&self) -> Option<SiteBan> {
        match self.identity() {
            Identity::Member(user) => self.accounts.site_ban_of(&user.id).await,
            Identity::Guest(_) => None,
        }
    }

    pub fn identity(&self) -> &Identity {
        &self.caller.identity
    }

    fn reply(&self, frame: bytes::Bytes) {
        self.origin.outbox.push(frame);
    }

    fn reply_error(&self, code: ErrorCode, message: impl Into<String>) {
        self.reply(frames::error(code, message));
    }

    /// Carries out one request; `received_at` is when its frame arrived (server time, ms).
    pub async fn handle(&mut self, request: Request, received_at: f64) {
        if moderates(&request) && !self.staff_role_still_held().await {
            return;
        }
        let origin = self.origin.clone();
        let command = match request {
            Request::Ping(ping) => {
                self.reply(frames::encode(Kind::Pong(TimePong {
                    client_send_time: ping.client_send_time,
                    server_receive_time: received_at,
                    server_send_time: clock::now_ms(),
                })));
                return;
            }
            Request::Join(JoinRoom { room, password }) => {
                return self.join_by_name(&room, password).await
            }
            Request::Create(create) => {
                return self.create_room(create.settings.unwrap_or_default()).await
            }
            Request::Leave(_) => return self.leave().await,
            Request::SetProfile(profile) => return self.set_profile(profile).await,
            Request::SendMessage(message) => return self.send_message(message).await,
            Request::Ban(ban) if ban.site_wide => {
                let duration = Duration::from_secs(ban.duration_seconds.into());
                return self.ban_from_site(ban.participant_id, duration).await;
            }
            Request::SubscribeRoomList(subscribe) => {
                if subscribe.enabled {
                    self.registry.subscribe_room_list(&self.origin);
                } else {
                    self.unsubscribe_room_list();
                }
                return;
            }
            Request::UpdateSettings(mut update) => {
                // Hashing is costly: it is charged before it is done, owner or not.
                if update.password.is_some() {
                    if let Err(error) = self.limits.try_owner_action(&self.origin.player) {
                        return self.reply(RoomError::from(error).frame());
                    }
                }
                let password = match rooms::take_password(&mut update).await {
                    Ok(password) => password,
                    Err(error) => return self.reply(error.frame()),
                };
                // Names are unique across instances: the new one is reserved first.
                if let (Some(name), Some(joined)) = (&update.name, &self.room) {
                    let reserved = match names::room_name(name) {
                        Ok(name) => self.registry.reserve_name(&joined.room.id, &name).await,
                        Err(invalid) => Err(RoomError::from(invalid)),
                    };
                    if let Err(error) = reserved {
                        return self.reply(error.frame());
                    }
                }
                RoomCommand::UpdateSettings {
                    origin,
                    update,
                    password,
                }
            }
            Request::Chat(chat) => {
                if let Err(error) = self.limits.try_chat_across_instances(&origin.player).await {
                    return self.reply(RoomError::from(error).frame());
                }
                let taken = self.mentions_in(&chat.text);
                RoomCommand::Chat {
                    origin,
                    text: chat.text,
                    taken,
                }
            }
            forwarded => match RoomCommand::forwarded(origin, forwarded) {
                Some(command) => command,
                None => return self.reply_error(ErrorCode::InvalidMessage, "unknown request"),
            },
        };
        let Some(Joined { room, .. }) = &self.room else {
            self.reply(RoomError::NotInRoom.frame());
            return;
        };
        if let Err(error) = room.send(command).await {
            self.room = None;
            self.reply(error.frame());
        }
    }

    /// A direct message over the socket: the API's service, for the caller the connection
    /// opened as (a ban or a role change ends the connection). The sending connection is
    /// answered either way; both members' tabs are told by the service.
    async fn send_message(&self, message: SendDirectMessage) {
        let SendDirectMessage {
            usertag,
            text,
            request_id,
        } = message;
        let sent = self
            .social
            .send_message(&self.caller, &usertag, &text)
            .await;
        let answer = match sent {
            Ok(sent) => DirectMessageAnswer {
                request_id,
                message_id: sent.id,
                ..Default::default()
            },
            Err(refused) => DirectMessageAnswer {
                request_id,
                code: message_refusal(&refused) as i32,
                error: refused.to_string(),
                ..Default::default()
            },
        };
        self.reply(frames::encode(Kind::MessageAnswer(answer)));
    }

    /// Whether a connection opened with staff powers still has them: its role was taken when
    /// it opened, and a role taken away since (on any instance) must not keep working from a
    /// tab left open. When it differs the connection ends, and its client connects again
    /// with the role it holds now. Players without staff powers are not asked: they have
    /// nothing to lose, and a store read per request would cost every room.
    async fn staff_role_still_held(&self) -> bool {
        let held = self.caller.role();
        if held < Role::Moderator {
            return true;
        }
        match self.accounts.current_role(&self.caller.identity).await {
            Ok(current) if current == held => true,
            Ok(_) => {
                self.reply(RoomError::NotAllowed("your roles changed").frame());
                self.origin.outbox.close(Goodbye::RolesChanged);
                false
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read a staff member's role");
                self.reply(RoomError::Unavailable("cannot check your role; try again").frame());
                false
            }
        }
    }

    pub fn unsubscribe_room_list(&self) {
        self.registry.unsubscribe_room_list(self.origin.connection);
    }

    /// Leaves the current room, if any (also when the connection ends).
    pub async fn leave(&mut self) {
        if let Some(Joined { room, .. }) = self.room.take() {
            let origin = self.origin.clone();
            let _ = room.send(RoomCommand::Leave { origin }).await;
        }
    }

    /// Leaves room `id` if the connection is in it (the player asked through the API).
    pub async fn leave_room(&mut self, id: &str) {
        if self
            .room
            .as_ref()
            .is_some_and(|joined| *joined.room.id == *id)
        {
            self.leave().await;
        }
    }

    async fn join_by_name(&mut self, name: &str, password: Option<String>) {
        if let Err(error) = self.limits.try_join_everywhere(&self.origin.player).await {
            return self.reply(RoomError::from(error).frame());
        }
        match self.registry.find(name).await {
            Some(room) => self.join(room, Entry::Password(password)).await,
            None => {
                // As long as a wrong password takes: timing tells no more than the answer.
                if let Some(password) = password {
                    password::verify_nothing(password).await;
                }
                self.reply(RoomError::RoomNotFound.frame());
            }
        }
    }

    async fn create_room(&mut self, update: RoomSettingsUpdate) {
        let (registry, limits) = (&self.registry, &self.limits);
        match rooms::create(registry, limits, &self.origin.player, update).await {
            // The creator owns the room: no password asked.
            Ok(room) => self.join(room, Entry::Password(None)).await,
            Err(error) => self.reply(error.frame()),
        }
    }

    /// Enters the room of the ticket the connection came with, if any, with the proof it
    /// carries (the API checked the password). No join attempt is charged: asking for the
    /// ticket was.
    pub async fn enter_ticketed_room(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        match self.registry.locate(&ticket.room).await {
            Some(room) => self.join(room, Entry::Proof(ticket.proof)).await,
            None => self.reply(RoomError::RoomNotFound.frame()),
        }
    }

    /// Leaves the current room (if any) and joins `room`. On refusal the player is in no room.
    /// A room held elsewhere that is not found there may be moving (its instance gone, this
    /// one or another adopting it): it is followed, as the players who were in it are.
    async fn join(&mut self, room: RoomHandle, entry: Entry) {
        self.leave().await;
        let id = room.id.clone();
        let joined = match room.home() {
            None => self.ask(&room, &entry).await.map(|proof| (room, proof)),
            Some(_) => self.follow(&id, Some(room), entry).await,
        };
        match joined {
            Ok((room, proof)) => {
                self.room = Some(Joined { room, proof });
                self.remember().await;
            }
            Err(error) => self.reply(error.frame()),
        }
    }

    /// The connection's room may have moved to another instance: if `which` concerns it,
    /// joins the room again wherever it lives now (adopting it here if no live instance has),
    /// as the same player.
    /// Tells a member's friends where this connection is now, if it has moved.
    /// For a member's line that may mention someone: the signal that the room took it, on
    /// which the members it names are notified (in a task: the connection goes on).
    fn mentions_in(&self, text: &str) -> Option<oneshot::Sender<()>> {
        let sender = self.caller.identity.user()?.clone();
        let room_id = self.room.as_ref()?.room.id.clone();
        if !text.contains('@') {
            return None;
        }
        let (taken, shown) = oneshot::channel();
        let (social, text) = (self.social.clone(), text.to_owned());
        tokio::spawn(async move {
            if shown.await.is_ok() {
                social.mentioned(&sender, &room_id, &text).await;
            }
        });
        Some(taken)
    }

    pub async fn report_presence(&mut self) {
        if let Some(presence) = &mut self.presence {
            presence
                .at(self.room.as_ref().map(|joined| &joined.room.id))
                .await;
        }
    }

    /// The connection has closed: its member was last seen now.
    pub async fn presence_closed(&mut self) {
        if let Some(presence) = self.presence.take() {
            presence.closed().await;
        }
    }

    /// The player's block list changed (here or on another instance): their room follows it.
    pub async fn set_blocks(&mut self, blocked: BlockedPlayers) {
        self.blocked = blocked.clone();
        if let Some(Joined { room, .. }) = &self.room {
            let origin = self.origin.clone();
            let _ = room.send(RoomCommand::Blocks { origin, blocked }).await;
        }
    }

    pub async fn rejoin(&mut self, which: &Rejoin) {
        let concerned = |joined: &mut Joined| {
            let home = joined.room.home();
            match which {
                Rejoin::HeldBy(instance) => home == Some(instance),
                Rejoin::Room(id) => home.is_none() && joined.room.id == *id,
                Rejoin::AnyRemote => home.is_some(),
            }
        };
        let Some(Joined { room, proof }) = self.room.take_if(concerned) else {
            return;
        };
        match self.follow(&room.id, None, Entry::Proof(proof)).await {
            Ok((room, proof)) => self.room = Some(Joined { room, proof }),
            Err(error) => self.reply(error.frame()),
        }
    }

    /// Asks room `id` to let the player in, starting with `first` if given and looking for
    /// the room wherever it lives now after that: while it moves it may be nowhere for a
    /// moment, or claimed by an instance still opening it. A newcomer refused by a room still
    /// held where they asked is refused for good (a wrong password is not tried again).
    /// Answers the proof to keep.
    async fn follow(
        &self,
        id: &str,
        mut next: Option<RoomHandle>,
        entry: Entry,
    ) -> Result<(RoomHandle, Option<String>), RoomError> {
        for attempt in 0..REJOIN_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(REJOIN_PAUSE).await;
            }
            let room = match next.take() {
                Some(room) => room,
                None => match self.registry.locate(id).await {
                    Some(room) => room,
                    None => continue,
                },
            };
            let asked = room.home().cloned();
            match self.ask(&room, &entry).await {
                Ok(proof) => return Ok((room, proof)),
                // Its instance has gone, or one still opening it has claimed it: asked again.
                Err(RoomError::RoomNotFound) => {}
                Err(error) => return Err(error),
            }
            if let Entry::Password(_) = entry {
                let now = self.registry.locate(id).await;
                if now
                    .as_ref()
                    .is_some_and(|room| room.home() == asked.as_ref())
                {
                    return Err(RoomError::RoomNotFound);
                }
                next = now;
            }
        }
        Err(RoomError::RoomNotFound)
    }

    /// Asks `room` to let the player in; answers the proof that did.
    async fn ask(&self, room: &RoomHandle, entry: &Entry) -> Result<Option<String>, RoomError> {
        let (origin, participant) = (self.origin.clone(), self.participant());
        let blocked = self.blocked.clone();
        match entry {
            Entry::Password(password) => {
                room.join(origin, participant, blocked, password.clone())
                    .await
            }
            Entry::Proof(proof) => room
                .rejoin(origin, participant, blocked, proof.clone())
                .await
                .map(|()| proof.clone()),
        }
    }

    /// The player has done something worth coming back to: keep a guest's identity (an
    /// account is kept already).
    async fn remember(&self) {
        if let Identity::Guest(guest) = self.identity() {
            if let Err(error) = guest::remember(&self.session, guest).await {
                tracing::warn!(%error, "cannot keep the guest identity");
            }
        }
    }

    /// The player as rooms show them: who they are, and what they play with.
    pub fn participant(&self) -> Participant {
        let avatar = self
            .identity()
            .user()
            .and_then(|user| user.avatar_url.as_deref());
        Participant {
            instrument: self.instrument.clone(),
            avatar_url: self.accounts.shown_avatar(avatar).unwrap_or_default(),
            ..self.identity().participant()
        }
    }

    async fn set_profile(&mut self, profile: SetProfile) {
        let instrument = match &profile.instrument {
            Some(choice) => match choice
                .instrument
                .as_ref()
                .map(names::instrument)
                .transpose()
            {
                Ok(instrument) => Some(instrument),
                Err(invalid) => return self.reply_error(ErrorCode::InvalidMessage, invalid.0),
            },
            None => None,
        };
        // A new choice is kept for the next visit, one write per change: it draws on the
        // allowance for changes (choosing again what is kept costs nothing). So does a name or
        // colour, written to the account or the session and read again by the player's other
        // tabs: the allowance is the player's, however many tabs they have.
        let to_keep = instrument
            .clone()
            .filter(|chosen| *chosen != self.kept_instrument);
        let renamed = profile.name.is_some() || profile.color.is_some();
        if to_keep.is_some() || renamed {
            if let Err(error) = self.limits.try_owner_action(&self.origin.player) {
                return self.reply(RoomError::from(error).frame());
            }
        }
        if (profile.name.is_some() || profile.color.is_some()) && !self.save_profile(&profile).await
        {
            return;
        }
        if let Some(chosen) = to_keep {
            if !self.keep_instrument(chosen).await {
                return;
            }
        }
        if let Some(instrument) = instrument {
            self.instrument = instrument;
        }
        let participant = self.participant();
        match &self.room {
            // The room tells everyone, this connection included.
            Some(Joined { room, .. }) => {
                let _ = room.send(RoomCommand::UpdateProfile { participant }).await;
            }
            None => self.reply(frames::encode(Kind::ParticipantUpdated(
                ParticipantUpdated {
                    participant: Some(participant),
                },
            ))),
        }
    }

    /// Keeps the chosen instrument for the player's next visit; a choice that cannot be kept
    /// is not shown to anyone, as a name that cannot be.
    async fn keep_instrument(&mut self, chosen: Option<Instrument>) -> bool {
        let kept = self
            .accounts
            .keep_instrument(&self.session, self.identity(), chosen.clone())
            .await;
        match kept {
            Ok(identity) => {
                self.caller.identity = identity;
                self.kept_instrument = chosen;
                true
            }
            Err(error) => {
                tracing::warn!(%error, "cannot keep an instrument choice");
                let refusal =
                    RoomError::Unavailable("your instrument could not be saved; try again");
                self.reply(refusal.frame());
                false
            }
        }
    }

    /// Name and colour are kept (with the guest's session or the account); a change nobody
    /// could keep is not shown to anyone.
    async fn save_profile(&mut self, profile: &SetProfile) -> bool {
        let changed = self
            .accounts
            .set_player_profile(
                &self.session,
                self.identity(),
                profile.name.as_deref(),
                profile.color.as_deref(),
            )
            .await;
        let identity = match changed {
            Ok(identity) => identity,
            Err(ServiceError::Field { message, .. }) => {
                self.reply_error(ErrorCode::InvalidMessage, message);
                return false;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot save a profile change");
                let refusal = RoomError::Unavailable("your profile could not be saved; try again");
                self.reply(refusal.frame());
                return false;
            }
        };
        if let Identity::Member(user) = &identity {
            let this = Some(self.origin.connection);
            self.accounts.profile_changed(&user.id, this);
        }
        self.caller.identity = identity;
        true
    }

    /// The member's profile changed elsewhere (another tab, the API, another instance): this
    /// connection reads it again, and its room shows it.
    pub async fn refresh_profile(&mut self) {
        let Some(member) = self.identity().user() else {
            return;
        };
        match self.accounts.member_now(&member.id).await {
            Ok(user) => self.caller.identity = Identity::Member(Box::new(user)),
            Err(error) => {
                tracing::warn!(%error, "cannot read a changed profile");
                return;
            }
        }
        if let Some(Joined { room, .. }) = &self.room {
            let participant = self.participant();
            let _ = room.send(RoomCommand::UpdateProfile { participant }).await;
        }
    }

    /// A moderator's site ban: the account is banned everywhere, its tokens revoked and its
    /// connections ended (which takes it out of every room).
    async fn ban_from_site(&mut self, target: String, duration: Duration) {
        let duration = if duration.is_zero() {
            DEFAULT_SITE_BAN
        } else {
            duration
        };
        let banned = match BanLength::new(duration) {
            // The protocol's ban carries no reason; the staff pages' and the API's do.
            Ok(length) => {
                let ban = self
                    .accounts
                    .site_ban(&self.caller, &target, Some(length), "");
                ban.await
            }
            Err(too_long) => Err(ServiceError::field("durationSeconds", too_long.0)),
        };
        if let Err(error) = banned {
            let refusal = match error {
                ServiceError::NotFound(_) => {
                    RoomError::NotAllowed("only accounts can be banned from the site")
                }
                ServiceError::Denied(_) => {
                    RoomError::NotAllowed("only moderators can ban from the site")
                }
                ServiceError::Field { message, .. } => RoomError::Invalid(message),
                _ => RoomError::Unavailable("the ban could not be saved; try again"),
            };
            self.reply(refusal.frame());
        }
    }
}

/// The protocol's code for why a direct message was refused.
fn message_refusal(refused: &ServiceError) -> ErrorCode {
    match refused {
        ServiceError::NotFound(_) => ErrorCode::PlayerNotFound,
        ServiceError::Field { .. } => ErrorCode::InvalidMessage,
        ServiceError::Quota(_) | ServiceError::TooMany { .. } => ErrorCode::RateLimited,
        ServiceError::Unavailable => ErrorCode::Unspecified,
        _ => ErrorCode::NotAllowed,
    }
}

/// Whether a request moderates: what staff may do in any room (and owners in theirs).
fn moderates(request: &Request) -> bool {
    matches!(
        request,
        Request::Kick(_)
            | Request::Ban(_)
            | Request::Mute(_)
            | Request::DeleteChat(_)
            | Request::GiveCrown(_)
            | Request::UpdateSettings(_)
    )
}
