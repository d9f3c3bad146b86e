//! Friendships, requests, and when members were last seen.

use pianorhythm_core::domain::friend::Friendship;
use pianorhythm_store::StoreError;

use crate::backends::Backend;

fn asked(requester: &str, addressee: &str, since: i64) -> Friendship {
    Friendship {
        requester: requester.into(),
        addressee: addressee.into(),
        accepted: false,
        since,
    }
}

fn friends(requester: &str, addressee: &str, since: i64) -> Friendship {
    Friendship {
        accepted: true,
        ..asked(requester, addressee, since)
    }
}

pub async fn a_request_is_accepted_once_and_either_side_ends_it(backend: &mut Backend) {
    let store = &backend.store.friends;
    let now = 1_700_000_000_000;
    // Ids on either side of each other, so both orders of a pair are tried.
    assert_eq!(
        store.request("bo", "ana", now).await.unwrap(),
        asked("bo", "ana", now)
    );
    assert_eq!(
        store.request("bo", "ana", now + 1).await.unwrap(),
        asked("bo", "ana", now),
        "asking again changes nothing"
    );
    assert_eq!(
        store.accept("bo", "ana", now + 2).await,
        Err(StoreError::NotFound("friend request")),
        "the asker cannot accept their own request"
    );
    assert_eq!(
        store.friendships("ana").await.unwrap(),
        [asked("bo", "ana", now)]
    );
    assert_eq!(
        store.friendships("bo").await.unwrap(),
        [asked("bo", "ana", now)]
    );
    assert_eq!(
        store.accept("ana", "bo", now + 3).await.unwrap(),
        friends("bo", "ana", now + 3)
    );
    assert_eq!(
        store.accept("ana", "bo", now + 4).await.unwrap(),
        friends("bo", "ana", now + 3),
        "accepting again changes nothing"
    );
    assert_eq!(
        store.request("ana", "bo", now + 5).await.unwrap(),
        friends("bo", "ana", now + 3)
    );
    store.request("ana", "cy", now + 6).await.unwrap();
    assert_eq!(
        store.friendships("ana").await.unwrap(),
        [asked("ana", "cy", now + 6), friends("bo", "ana", now + 3)],
        "newest first"
    );
    assert_eq!(
        store.accept("cy", "zed", now).await,
        Err(StoreError::NotFound("friend request"))
    );
    assert!(store.remove("ana", "bo").await.unwrap());
    assert!(!store.remove("bo", "ana").await.unwrap());
    assert_eq!(store.friendships("bo").await.unwrap(), []);
    assert_eq!(
        store.friendships("cy").await.unwrap(),
        [asked("ana", "cy", now + 6)]
    );
}

pub async fn crossing_requests_make_friends(backend: &mut Backend) {
    let store = backend.store.friends.clone();
    let now = 1_700_000_000_000;
    store.request("ana", "bo", now).await.unwrap();
    assert_eq!(
        store.request("bo", "ana", now + 1).await.unwrap(),
        friends("ana", "bo", now + 1)
    );
    // At the same moment, from both sides: friends, whichever lands first.
    let (one, other) = tokio::join!(
        store.request("cy", "dee", now),
        store.request("dee", "cy", now)
    );
    one.unwrap();
    other.unwrap();
    let pair = store.friendships("cy").await.unwrap();
    assert_eq!(pair.len(), 1);
    assert!(pair[0].accepted, "{pair:?}");
}

pub async fn last_seen_keeps_the_latest_time(backend: &mut Backend) {
    let store = &backend.store.friends;
    store.seen("ana", 2_000).await.unwrap();
    store.seen("ana", 1_000).await.unwrap();
    store.seen("bo", 3_000).await.unwrap();
    let mut seen = store
        .last_seen(&["ana".into(), "bo".into(), "never".into()])
        .await
        .unwrap();
    seen.sort();
    assert_eq!(seen, [("ana".into(), 2_000), ("bo".into(), 3_000)]);
    assert!(store.last_seen(&[]).await.unwrap().is_empty());
}
