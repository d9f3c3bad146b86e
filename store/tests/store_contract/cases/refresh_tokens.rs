use std::collections::HashMap;

use futures_util::future::join_all;
use pianorhythm_core::domain::auth::{Redeemed, RefreshToken};
use pianorhythm_store::StoreError;

use crate::backends::Backend;

const NOW: i64 = 1_700_000_000_000;
const DAY: i64 = 86_400_000;

fn token(hash: &str, family: &str, user_id: &str) -> RefreshToken {
    RefreshToken {
        hash: format!("{hash:0>64}"),
        family: family.into(),
        user_id: user_id.into(),
        expires_at: NOW + DAY,
        family_started_at: NOW - DAY,
    }
}

pub async fn a_refresh_token_is_fresh_once_then_reuse_revokes_its_family(backend: &mut Backend) {
    let tokens = &backend.store.refresh_tokens;
    let first = token("a1", "family-a", "ada");
    tokens.insert(&first).await.unwrap();
    assert!(matches!(
        tokens.insert(&first).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        tokens.redeem(&first.hash, NOW).await.unwrap(),
        Redeemed::Fresh(first.clone())
    );

    // Its successor, and another sign-in of the same account.
    let successor = token("a2", "family-a", "ada");
    let elsewhere = token("b1", "family-b", "ada");
    tokens.insert(&successor).await.unwrap();
    tokens.insert(&elsewhere).await.unwrap();

    // The used token again, as a thief would: its family is revoked, the other is not.
    assert_eq!(
        tokens.redeem(&first.hash, NOW + 1).await.unwrap(),
        Redeemed::Reused(first.clone())
    );
    assert_eq!(
        tokens.redeem(&successor.hash, NOW + 2).await.unwrap(),
        Redeemed::Invalid
    );
    assert_eq!(
        tokens.redeem(&elsewhere.hash, NOW + 3).await.unwrap(),
        Redeemed::Fresh(elsewhere)
    );
}

pub async fn expired_and_unknown_refresh_tokens_are_invalid(backend: &mut Backend) {
    let tokens = &backend.store.refresh_tokens;
    let expiring = token("e1", "family-e", "ada");
    tokens.insert(&expiring).await.unwrap();
    for now in [expiring.expires_at, expiring.expires_at + DAY] {
        assert_eq!(
            tokens.redeem(&expiring.hash, now).await.unwrap(),
            Redeemed::Invalid
        );
    }
    // Finding it expired did not use it up.
    assert_eq!(
        tokens
            .redeem(&expiring.hash, expiring.expires_at - 1)
            .await
            .unwrap(),
        Redeemed::Fresh(expiring.clone())
    );
    let unknown = token("u1", "family-e", "ada").hash;
    for hash in [
        unknown.as_str(),
        "",
        "%",
        ".*",
        "{\"$ne\": \"\"}",
        "' OR 1 = 1 --",
    ] {
        assert_eq!(
            tokens.redeem(hash, NOW).await.unwrap(),
            Redeemed::Invalid,
            "{hash:?}"
        );
    }
}

pub async fn revoking_an_account_invalidates_its_tokens_and_no_one_elses(backend: &mut Backend) {
    let tokens = &backend.store.refresh_tokens;
    let ada = [
        token("a1", "family-a", "ada"),
        token("b1", "family-b", "ada"),
        token("c1", "family-c", "ada"),
    ];
    let grace = token("g1", "family-g", "grace");
    for token in ada.iter().chain([&grace]) {
        tokens.insert(token).await.unwrap();
    }
    assert_eq!(
        tokens.redeem(&ada[2].hash, NOW).await.unwrap(),
        Redeemed::Fresh(ada[2].clone())
    );

    // Two were live; the used one is revoked too, so it is no longer seen as reuse.
    assert_eq!(tokens.revoke_user("ada").await.unwrap(), 2);
    for token in &ada {
        assert_eq!(
            tokens.redeem(&token.hash, NOW).await.unwrap(),
            Redeemed::Invalid,
            "{token:?}"
        );
    }
    assert_eq!(tokens.revoke_user("ada").await.unwrap(), 0);
    assert_eq!(tokens.revoke_user("nobody").await.unwrap(), 0);
    assert_eq!(
        tokens.redeem(&grace.hash, NOW).await.unwrap(),
        Redeemed::Fresh(grace)
    );
}

pub async fn concurrent_redeems_of_one_token_yield_exactly_one_fresh(backend: &mut Backend) {
    const PRESENTERS: usize = 8;
    let shared = token("c1", "family-c", "ada");
    backend.store.refresh_tokens.insert(&shared).await.unwrap();
    let redeems = (0..PRESENTERS).map(|_| {
        let tokens = backend.store.refresh_tokens.clone();
        let hash = shared.hash.clone();
        tokio::spawn(async move { tokens.redeem(&hash, NOW).await.unwrap() })
    });
    let mut outcomes = HashMap::new();
    for redeemed in join_all(redeems).await {
        let outcome = match redeemed.unwrap() {
            Redeemed::Fresh(token) => {
                assert_eq!(token, shared);
                "fresh"
            }
            // The others saw it used (reuse, which revokes the family) or already revoked.
            Redeemed::Reused(_) => "reused",
            Redeemed::Invalid => "invalid",
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
    }
    assert_eq!(outcomes.get("fresh"), Some(&1), "{outcomes:?}");
}

pub async fn a_family_keeps_when_it_began(backend: &mut Backend) {
    let tokens = &backend.store.refresh_tokens;
    let first = token("f1", "family-f", "ada");
    tokens.insert(&first).await.unwrap();
    let Redeemed::Fresh(redeemed) = tokens.redeem(&first.hash, NOW).await.unwrap() else {
        panic!("a new token is fresh");
    };
    assert_eq!(redeemed.family_started_at, NOW - DAY);
}

pub async fn expired_refresh_tokens_are_purged_and_live_ones_kept(backend: &mut Backend) {
    // Far in the future, so MongoDB's own TTL monitor leaves these to the purge asked here.
    const NOW: i64 = 4_000_000_000_000;
    let token = |hash: &str, family: &str, user_id: &str| RefreshToken {
        expires_at: NOW + DAY,
        ..token(hash, family, user_id)
    };
    let tokens = &backend.store.refresh_tokens;
    let mut expired = token("x1", "family-x", "ada");
    expired.expires_at = NOW - 1;
    let mut used_expired = token("x2", "family-x", "ada");
    used_expired.expires_at = NOW;
    let live = token("l1", "family-l", "ada");
    let mut live_used = token("l2", "family-l", "grace");
    live_used.expires_at = NOW + 1;
    for token in [&expired, &used_expired, &live, &live_used] {
        tokens.insert(token).await.unwrap();
    }
    assert!(matches!(
        tokens.redeem(&used_expired.hash, NOW - 1).await.unwrap(),
        Redeemed::Fresh(_)
    ));
    assert!(matches!(
        tokens.redeem(&live_used.hash, NOW - 1).await.unwrap(),
        Redeemed::Fresh(_)
    ));

    assert_eq!(tokens.delete_expired(NOW).await.unwrap(), 2);
    assert_eq!(tokens.delete_expired(NOW).await.unwrap(), 0);
    // Gone for good: the hash can be stored again, which a kept record would refuse.
    tokens.insert(&expired).await.unwrap();
    // The live ones are untouched: one still fresh, the used one still seen as reuse.
    assert_eq!(
        tokens.redeem(&live.hash, NOW).await.unwrap(),
        Redeemed::Fresh(live)
    );
    assert_eq!(
        tokens.redeem(&live_used.hash, NOW).await.unwrap(),
        Redeemed::Reused(live_used)
    );
}
