//! Whom a player blocks. A member's list is on the account (the store), a guest's in their
//! session, so it lasts as long as the guest does; either way the player's connections, on
//! every instance, hand the new list to their rooms, which stop sending the blocked player's
//! notes and chat to the blocker.

use pianorhythm_api::social::{BlockForm, BlockedPlayer};
use pianorhythm_core::domain::block::{Block, MAX_BLOCKS};
use pianorhythm_engine::{blocks::BlockedPlayers, ids, names};
use pianorhythm_store::{now_millis, StoreError};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::Social;
use crate::{
    accounts::{Caller, Identity},
    guest,
    service_error::{id_field, ServiceError},
};

/// The session key of a guest's list.
const GUEST_BLOCKS_KEY: &str = "blocks";

/// One entry of a guest's list, as the session keeps it.
#[derive(Clone, Serialize, Deserialize)]
struct KeptBlock {
    /// Whom.
    player_id: String,
    /// The name they showed.
    name: String,
    /// When, Unix ms.
    at: i64,
}

impl Social {
    /// Whom the caller blocks, newest first.
    pub async fn blocks(
        &self,
        caller: &Caller,
        session: &Session,
    ) -> Result<Vec<BlockedPlayer>, ServiceError> {
        let list = self.list(&caller.identity, session).await?;
        Ok(list.into_iter().map(view).collect())
    }

    /// The list a connection starts with; a store that fails leaves it empty (logged), so a
    /// player can still play.
    pub async fn blocked_players(&self, identity: &Identity, session: &Session) -> BlockedPlayers {
        match self.list(identity, session).await {
            Ok(list) => BlockedPlayers::new(list.into_iter().map(|block| block.player_id)),
            Err(error) => {
                tracing::warn!(%error, "cannot read a player's blocks; starting without");
                BlockedPlayers::default()
            }
        }
    }

    /// Blocks a player: from now on, wherever both are, the caller is sent nothing of theirs.
    pub async fn block(
        &self,
        caller: &Caller,
        session: &Session,
        form: BlockForm,
    ) -> Result<BlockedPlayer, ServiceError> {
        let player_id = id_field("playerId", &form.player_id)?;
        if player_id == caller.identity.id() {
            return Err(ServiceError::field("playerId", "you cannot block yourself"));
        }
        if !ids::is_well_formed(&player_id) {
            return Err(ServiceError::NotFound("player"));
        }
        let name = self.name_of(&player_id, &form.name).await?;
        let mut list = self.list(&caller.identity, session).await?;
        if !list.iter().any(|block| block.player_id == player_id) && list.len() >= MAX_BLOCKS {
            return Err(ServiceError::field(
                "playerId",
                format!("you block {MAX_BLOCKS} players already; unblock one first"),
            ));
        }
        let block = Block {
            player_id,
            name,
            at: now_millis(),
        };
        match &caller.identity {
            Identity::Member(user) => {
                self.inner.blocks.block(&user.id, &block).await?;
                // A blocked friend is a friend no more.
                self.inner
                    .friends
                    .remove(&user.id, &block.player_id)
                    .await?;
                self.friends_changed(&user.id, &block.player_id);
            }
            Identity::Guest(guest) => {
                list.retain(|kept| kept.player_id != block.player_id);
                list.insert(0, block.clone());
                keep_guest_list(session, guest, &list).await?;
            }
        }
        self.tell_connections(&caller.identity, session).await?;
        Ok(view(block))
    }

    /// Unblocks a player; one not blocked is no error.
    pub async fn unblock(
        &self,
        caller: &Caller,
        session: &Session,
        player_id: &str,
    ) -> Result<(), ServiceError> {
        let player_id = id_field("playerId", player_id)?;
        match &caller.identity {
            Identity::Member(user) => {
                self.inner.blocks.unblock(&user.id, &player_id).await?;
            }
            Identity::Guest(guest) => {
                let mut list = self.list(&caller.identity, session).await?;
                list.retain(|kept| kept.player_id != player_id);
                keep_guest_list(session, guest, &list).await?;
            }
        }
        self.tell_connections(&caller.identity, session).await
    }

    async fn list(
        &self,
        identity: &Identity,
        session: &Session,
    ) -> Result<Vec<Block>, ServiceError> {
        match identity {
            Identity::Member(user) => Ok(self.inner.blocks.blocks(&user.id).await?),
            Identity::Guest(_) => {
                let kept = session
                    .get::<Vec<KeptBlock>>(GUEST_BLOCKS_KEY)
                    .await
                    .map_err(ServiceError::unavailable)?;
                Ok(kept.unwrap_or_default().into_iter().map(block).collect())
            }
        }
    }

    /// Whether `owner` (a member) blocks `player`.
    pub(super) async fn blocks_player(
        &self,
        owner: &str,
        player: &str,
    ) -> Result<bool, ServiceError> {
        let list = self.inner.blocks.blocks(owner).await?;
        Ok(list.iter().any(|block| block.player_id == player))
    }

    /// A member is named as their profile names them; anyone else as the blocker saw them.
    async fn name_of(&self, player_id: &str, shown: &str) -> Result<String, ServiceError> {
        match self.inner.users.get(player_id).await {
            Ok(user) => Ok(user.username),
            Err(StoreError::NotFound(_)) => {
                Ok(names::player_name(shown).unwrap_or_else(|_| "a guest".to_owned()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Hands the caller's list, as it now stands, to every connection of theirs.
    async fn tell_connections(
        &self,
        identity: &Identity,
        session: &Session,
    ) -> Result<(), ServiceError> {
        let list = self.list(identity, session).await?;
        let blocked = BlockedPlayers::new(list.into_iter().map(|block| block.player_id));
        self.inner.live.set_blocks(identity.id(), &blocked);
        Ok(())
    }
}

/// Keeps a guest's list in their session, and the session itself (it is worth keeping now).
async fn keep_guest_list(
    session: &Session,
    guest: &guest::Guest,
    list: &[Block],
) -> Result<(), ServiceError> {
    let kept: Vec<KeptBlock> = list
        .iter()
        .map(|block| KeptBlock {
            player_id: block.player_id.clone(),
            name: block.name.clone(),
            at: block.at,
        })
        .collect();
    session
        .insert(GUEST_BLOCKS_KEY, kept)
        .await
        .map_err(ServiceError::unavailable)?;
    guest::remember(session, guest)
        .await
        .map_err(ServiceError::unavailable)
}

fn block(kept: KeptBlock) -> Block {
    Block {
        player_id: kept.player_id,
        name: kept.name,
        at: kept.at,
    }
}

fn view(block: Block) -> BlockedPlayer {
    BlockedPlayer {
        player_id: block.player_id,
        name: block.name,
        blocked_at: block.at,
    }
}
