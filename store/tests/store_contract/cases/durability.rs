use pianorhythm_core::domain::{
    auth::{Login, Redeemed, RefreshToken},
    session::SessionRecord,
};

use super::{chat_message, new_sheet, new_user, stored_room};
use crate::backends::Backend;

/// Every acknowledged write is on disk: after the database server is killed (SIGKILL) and
/// restarted, or the embedded database reopened, it is all still there.
pub async fn acknowledged_writes_survive_a_crash(backend: &mut Backend) {
    let store = backend.store.clone();
    let user = store
        .users
        .create(new_user("durable", Some("d@example.org")))
        .await
        .unwrap();
    let room = stored_room("Durable");
    store.rooms.save(&room).await.unwrap();
    let message = chat_message(1, "still here?");
    store.chat.append("lobby", &message).await.unwrap();
    let sheet = store
        .sheets
        .create(new_sheet("Kept", "Someone", &[]))
        .await
        .unwrap();
    store
        .sheets
        .add_favorite(&user.id, &sheet.id)
        .await
        .unwrap();
    let session = SessionRecord {
        id: "ZHVyYWJsZQ".into(),
        data: b"{}".to_vec(),
        expires_at: i64::MAX / 2,
    };
    store.sessions.create(&session).await.unwrap();
    let login = Login::new("github", "durable");
    let signed_up = store
        .users
        .create_with_login(new_user("signed_up", None), &login)
        .await
        .unwrap();
    let token = RefreshToken {
        hash: "d".repeat(64),
        family: "durable".into(),
        user_id: signed_up.id.clone(),
        expires_at: i64::MAX / 2,
        family_started_at: 1_700_000_000_000,
    };
    store.refresh_tokens.insert(&token).await.unwrap();

    backend.crash_and_reopen().await;
    let store = &backend.store;
    assert_eq!(store.users.get(&user.id).await.unwrap(), user);
    assert_eq!(store.rooms.get(&room.id).await.unwrap(), room);
    assert_eq!(store.chat.recent("lobby", 50).await.unwrap(), [message]);
    assert_eq!(store.sheets.get(&sheet.id).await.unwrap().favorite_count, 1);
    assert_eq!(
        store.sessions.load(&session.id, 0).await.unwrap(),
        Some(session)
    );
    assert_eq!(store.users.by_login(&login).await.unwrap(), signed_up);
    assert_eq!(
        store.refresh_tokens.redeem(&token.hash, 0).await.unwrap(),
        Redeemed::Fresh(token)
    );
}
