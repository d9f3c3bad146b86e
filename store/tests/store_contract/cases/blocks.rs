//! Whom members block.

use pianorhythm_core::domain::block::Block;

use crate::backends::Backend;

fn block(player_id: &str, name: &str, at: i64) -> Block {
    Block {
        player_id: player_id.into(),
        name: name.into(),
        at,
    }
}

pub async fn blocks_are_per_owner_newest_first_and_unblocked_once(backend: &mut Backend) {
    let blocks = &backend.store.blocks;
    let now = 1_700_000_000_000;
    blocks
        .block("ana", &block("troll", "Troll", now))
        .await
        .unwrap();
    blocks
        .block("ana", &block("spammer", "Spam {$gt: ''}", now + 1))
        .await
        .unwrap();
    blocks
        .block("bo", &block("troll", "Troll", now))
        .await
        .unwrap();
    assert_eq!(
        blocks.blocks("ana").await.unwrap(),
        [
            block("spammer", "Spam {$gt: ''}", now + 1),
            block("troll", "Troll", now)
        ]
    );
    // Blocking again keeps the player's place and takes their new name.
    blocks
        .block("ana", &block("troll", "Troll 2", now + 5))
        .await
        .unwrap();
    assert_eq!(
        blocks.blocks("ana").await.unwrap()[1],
        block("troll", "Troll 2", now)
    );
    assert!(blocks.unblock("ana", "troll").await.unwrap());
    assert!(!blocks.unblock("ana", "troll").await.unwrap());
    assert!(!blocks.unblock("nobody", "troll").await.unwrap());
    assert_eq!(
        blocks.blocks("ana").await.unwrap(),
        [block("spammer", "Spam {$gt: ''}", now + 1)]
    );
    // Another owner's list is untouched.
    assert_eq!(
        blocks.blocks("bo").await.unwrap(),
        [block("troll", "Troll", now)]
    );
    assert!(blocks.blocks("nobody").await.unwrap().is_empty());
}
