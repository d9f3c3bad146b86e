//! The member a direct message is for, with how they and the sender stand: the account first
//! (by usertag), then blocks either way and the friendship, read at the same time.

use pianorhythm_core::domain::inbox::Recipient;

use super::MongoStore;
use crate::{ports::UserStore, StoreResult};

impl MongoStore {
    /// See [`crate::ports::MessageStore::recipient`].
    pub(super) async fn recipient_of(&self, sender: &str, usertag: &str) -> StoreResult<Recipient> {
        let user = self.by_usertag(usertag).await?;
        let (blocks_sender, blocked_by_sender, friendship) = tokio::try_join!(
            self.blocks_player(&user.id, sender),
            self.blocks_player(sender, &user.id),
            self.friendship(sender, &user.id),
        )?;
        Ok(Recipient {
            user,
            blocks_sender,
            blocked_by_sender,
            friend_of_sender: friendship.is_some_and(|friendship| friendship.accepted),
        })
    }
}
