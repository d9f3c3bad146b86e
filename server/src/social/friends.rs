//! Friends, between members: "Add friend" asks, the other accepts (or declines), either
//! removes. A request to someone who had asked already makes friends at once. A member who
//! blocks another cannot be asked by them (nor ask them: unblock first). Requests are counted
//! per account, on every instance (20 an hour, 100 a day), and a member has at most
//! [`MAX_FRIENDS`] friends and open requests.

use std::{sync::Arc, time::Duration};

use pianorhythm_api::social::{FriendView, PresenceView};
use pianorhythm_core::domain::{
    friend::{Friendship, MAX_FRIENDS},
    inbox::NotificationKind,
    user::User,
};
use pianorhythm_engine::quotas::Window;
use pianorhythm_store::{now_millis, StoreError};

use super::Social;
use crate::{
    accounts::{Caller, Identity},
    service_error::ServiceError,
};

/// Friend requests one account may send: an hour's and a day's worth.
pub const FRIEND_REQUESTS: [Window; 2] = [
    Window {
        limit: 20,
        per: Duration::from_secs(60 * 60),
    },
    Window {
        limit: 100,
        per: Duration::from_secs(24 * 60 * 60),
    },
];

impl Social {
    /// The caller's friends (with where they are) and requests either way, newest first.
    pub async fn friends(&self, caller: &Caller) -> Result<Vec<FriendView>, ServiceError> {
        let me = member(caller)?;
        let friendships = self.inner.friends.friendships(&me.id).await?;
        let accepted: Vec<String> = friendships
            .iter()
            .filter(|friendship| friendship.accepted)
            .map(|friendship| friendship.other(&me.id).to_owned())
            .collect();
        let mut presence = accepted
            .iter()
            .cloned()
            .zip(self.presence_of(&accepted).await)
            .collect::<std::collections::HashMap<_, _>>();
        let mut views = Vec::with_capacity(friendships.len());
        for friendship in friendships {
            let other = friendship.other(&me.id).to_owned();
            let user = match self.inner.users.get(&other).await {
                Ok(user) => user,
                // An account that is gone leaves nothing to show.
                Err(StoreError::NotFound(_)) => continue,
                Err(error) => return Err(error.into()),
            };
            let presence = presence.remove(&other).map(PresenceView::from);
            views.push(view(&me.id, &friendship, &user, presence));
        }
        Ok(views)
    }

    /// Asks the member `usertag` to be friends (accepts, if they had asked); answers them as
    /// the list now shows them.
    pub async fn add_friend(
        &self,
        caller: &Caller,
        usertag: &str,
    ) -> Result<FriendView, ServiceError> {
        let me = member(caller)?;
        let other = self.member_named(usertag).await?;
        if other.id == me.id {
            return Err(ServiceError::field(
                "usertag",
                "you cannot befriend yourself",
            ));
        }
        if self.blocks_player(&other.id, &me.id).await? {
            return Err(ServiceError::field(
                "usertag",
                "this player does not take friend requests from you",
            ));
        }
        if self.blocks_player(&me.id, &other.id).await? {
            return Err(ServiceError::field(
                "usertag",
                "you block this player: unblock them first",
            ));
        }
        let mine = self.inner.friends.friendships(&me.id).await?;
        let known = mine
            .iter()
            .find(|friendship| friendship.other(&me.id) == other.id);
        // Asking again, or asking a friend, changes nothing and costs nothing.
        if let Some(friendship) = known.filter(|f| f.accepted || f.requester == me.id) {
            return Ok(view(&me.id, friendship, &other, None));
        }
        if known.is_none() && mine.len() >= MAX_FRIENDS {
            return Err(ServiceError::field(
                "usertag",
                format!("you have {MAX_FRIENDS} friends and requests already"),
            ));
        }
        self.inner.friend_requests.take(&me.id).await?;
        let friendship = self
            .inner
            .friends
            .request(&me.id, &other.id, now_millis())
            .await?;
        let (kind, text) = match friendship.accepted {
            true => (NotificationKind::FriendAccepted, "you are friends now"),
            false => (NotificationKind::FriendRequest, "sent you a friend request"),
        };
        if friendship.accepted {
            self.became_friends(&me.id, &other.id).await;
        }
        let text = format!("{} {text}", me.username);
        self.notify_now(&other.id, kind, &me.id, text, "/friends".into())
            .await;
        Ok(view(&me.id, &friendship, &other, None))
    }

    /// Accepts the request of the member `usertag`.
    pub async fn accept_friend(
        &self,
        caller: &Caller,
        usertag: &str,
    ) -> Result<FriendView, ServiceError> {
        let me = member(caller)?;
        let other = self.member_named(usertag).await?;
        let now = now_millis();
        let friendship = self.inner.friends.accept(&me.id, &other.id, now).await?;
        self.became_friends(&me.id, &other.id).await;
        // Accepting again changes nothing and tells no one.
        if friendship.since == now {
            let text = format!("{} accepted your friend request", me.username);
            let link = format!("/user/{}", me.usertag);
            self.notify_now(
                &other.id,
                NotificationKind::FriendAccepted,
                &me.id,
                text,
                link,
            )
            .await;
        }
        Ok(view(&me.id, &friendship, &other, None))
    }

    /// Removes a friend, withdraws a request or declines one; none is no error.
    pub async fn remove_friend(&self, caller: &Caller, usertag: &str) -> Result<(), ServiceError> {
        let me = member(caller)?;
        let other = self.member_named(usertag).await?;
        self.inner.friends.remove(&me.id, &other.id).await?;
        self.friends_changed(&me.id, &other.id);
        Ok(())
    }

    /// The accepted friends of `member`, by account id.
    pub(super) async fn friend_ids(&self, member: &str) -> Result<Vec<String>, StoreError> {
        let friendships = self.inner.friends.friendships(member).await?;
        Ok(friendships
            .iter()
            .filter(|friendship| friendship.accepted)
            .map(|friendship| friendship.other(member).to_owned())
            .collect())
    }

    /// `member`'s friends, kept while the member is connected here and until they change, so
    /// that a move (far more frequent) costs no read.
    pub(super) async fn friends_to_tell(&self, member: &str) -> Result<Arc<[String]>, StoreError> {
        let live = &self.inner.live;
        match live.friends_of(member) {
            Ok(friends) => Ok(friends),
            Err(read) => {
                let friends: Arc<[String]> = self.friend_ids(member).await?.into();
                live.keep_friends(member, read, friends.clone());
                Ok(friends)
            }
        }
    }

    /// Each of two new friends learns where the other is.
    async fn became_friends(&self, one: &str, other: &str) {
        self.friends_changed(one, other);
        self.presence_moved(one).await;
        self.presence_moved(other).await;
    }

    /// Two members' friends changed: the lists of them kept to tell their moves to, on every
    /// instance, go.
    pub(super) fn friends_changed(&self, one: &str, other: &str) {
        let both = [one.to_owned(), other.to_owned()];
        self.inner.live.friends_changed(&both);
    }

    pub(super) async fn member_named(&self, usertag: &str) -> Result<User, ServiceError> {
        match self.inner.users.by_usertag(usertag.trim()).await {
            Ok(user) => Ok(user),
            Err(StoreError::NotFound(_)) => Err(ServiceError::NotFound("player")),
            Err(error) => Err(error.into()),
        }
    }
}

/// Friends and inboxes are members': a guest is asked to sign in.
pub(super) fn member(caller: &Caller) -> Result<&User, ServiceError> {
    match &caller.identity {
        Identity::Member(user) => Ok(user),
        Identity::Guest(_) => Err(ServiceError::NotSignedIn),
    }
}

fn view(
    me: &str,
    friendship: &Friendship,
    other: &User,
    presence: Option<PresenceView>,
) -> FriendView {
    let status = match (friendship.accepted, friendship.requester == me) {
        (true, _) => "friends",
        (false, true) => "sent",
        (false, false) => "received",
    };
    FriendView {
        player_id: other.id.clone(),
        username: other.username.clone(),
        usertag: other.usertag.clone(),
        color: other.color.clone(),
        status: status.to_owned(),
        since: friendship.since,
        presence,
    }
}
