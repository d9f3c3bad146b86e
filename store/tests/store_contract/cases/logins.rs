use pianorhythm_core::domain::{auth::Login, user::Role};
use pianorhythm_store::StoreError;

use super::new_user;
use crate::backends::Backend;

pub async fn accounts_are_created_with_a_login_and_found_by_it(backend: &mut Backend) {
    let users = &backend.store.users;
    let github = Login::new("github", "1024");
    let ada = users
        .create_with_login(new_user("Ada_L", Some("ada@example.org")), &github)
        .await
        .unwrap();
    assert_eq!(ada.usertag, "Ada_L");
    assert_eq!(ada.roles, [Role::Member]);
    assert_eq!(users.by_login(&github).await.unwrap(), ada);
    assert_eq!(users.get(&ada.id).await.unwrap(), ada);
    assert_eq!(users.by_usertag("ada_l").await.unwrap(), ada);

    let not_found = Err(StoreError::NotFound("user"));
    for unknown in [
        Login::new("github", "1025"),
        Login::new("gitlab", "1024"),
        Login::new("GitHub", "1024"),
        Login::new("github", ".*"),
        Login::new("github", "{\"$gt\": \"\"}"),
        Login::new("github:1024", ""),
    ] {
        assert_eq!(users.by_login(&unknown).await, not_found, "{unknown:?}");
    }
    // An account made without a login has none.
    users.create(new_user("grace", None)).await.unwrap();
    assert_eq!(users.by_login(&Login::new("github", "")).await, not_found);
}

pub async fn a_linked_login_is_a_conflict_and_a_refused_account_leaves_nothing(
    backend: &mut Backend,
) {
    let users = &backend.store.users;
    let github = Login::new("github", "1024");
    let ada = users
        .create_with_login(new_user("ada", None), &github)
        .await
        .unwrap();

    // The login is taken: no account is made, so its usertag and email stay free.
    assert_eq!(
        users
            .create_with_login(new_user("grace", Some("grace@example.org")), &github)
            .await,
        Err(StoreError::Conflict { what: "login" })
    );
    assert_eq!(
        users.by_usertag("grace").await,
        Err(StoreError::NotFound("user"))
    );
    users
        .create(new_user("grace", Some("grace@example.org")))
        .await
        .unwrap();
    assert_eq!(users.by_login(&github).await.unwrap(), ada);

    // The usertag is taken: no login is linked, so it stays free for another account.
    let google = Login::new("google", "ada-at-google");
    assert_eq!(
        users
            .create_with_login(new_user("ADA", None), &google)
            .await,
        Err(StoreError::Conflict { what: "usertag" })
    );
    assert_eq!(
        users.by_login(&google).await,
        Err(StoreError::NotFound("user"))
    );
    let hedy = users
        .create_with_login(new_user("hedy", None), &google)
        .await
        .unwrap();
    assert_eq!(users.by_login(&google).await.unwrap(), hedy);
}

pub async fn concurrent_sign_ups_with_one_login_make_one_account(backend: &mut Backend) {
    let users = &backend.store.users;
    let login = Login::new("discord", "80351110224678912");
    let (first, second) = tokio::join!(
        users.create_with_login(new_user("first", None), &login),
        users.create_with_login(new_user("second", None), &login),
    );
    let (winner, loser) = match (first, second) {
        (Ok(user), Err(error)) => (user, ("second", error)),
        (Err(error), Ok(user)) => (user, ("first", error)),
        other => panic!("exactly one sign-up must win: {other:?}"),
    };
    assert_eq!(loser.1, StoreError::Conflict { what: "login" });
    assert_eq!(users.by_login(&login).await.unwrap(), winner);
    assert_eq!(
        users.by_usertag(loser.0).await,
        Err(StoreError::NotFound("user"))
    );
}
