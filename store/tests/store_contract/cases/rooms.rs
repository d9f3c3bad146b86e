use pianorhythm_core::{
    domain::{
        room::{RoomBan, StoredRoom},
        room_settings::RoomSettings,
    },
    protocol::PlayPermission,
};
use pianorhythm_store::{ids, StoreError};

use crate::backends::Backend;

pub fn stored_room(name: &str) -> StoredRoom {
    StoredRoom {
        id: ids::new_id(),
        settings: RoomSettings::with_name(name.into(), 16),
        owner_id: Some("owner-1".into()),
        bans: Vec::new(),
        created_at: 1_700_000_000_123,
        updated_at: 1_700_000_000_123,
    }
}

pub async fn rooms_keep_settings_owner_and_bans(backend: &mut Backend) {
    let rooms = &backend.store.rooms;
    let mut jazz = stored_room("Jazz Café");
    rooms.save(&jazz).await.unwrap();
    assert_eq!(rooms.get(&jazz.id).await.unwrap(), jazz);
    assert_eq!(rooms.by_name("jazz CAFÉ").await.unwrap(), jazz);
    assert_eq!(
        rooms.by_name("Jazz.*").await,
        Err(StoreError::NotFound("room"))
    );

    jazz.settings = RoomSettings {
        name: "Late Jazz".into(),
        private: true,
        password: Some("s3cret ".into()),
        max_players: 3,
        who_can_play: PlayPermission::OwnerOnly,
        chat_enabled: false,
        welcome_message: "Shh".into(),
        note_rate: 20_000,
    };
    jazz.owner_id = Some("owner-2".into());
    jazz.bans = vec![
        RoomBan {
            participant_id: "troll".into(),
            address: Some("203.0.113.7".parse().unwrap()),
            browser: Some("guest-of-troll".into()),
            until_ms: 1_700_000_600_000.25,
        },
        RoomBan {
            participant_id: "spammer".into(),
            address: Some("2001:db8::".parse().unwrap()),
            browser: None,
            until_ms: 1_700_000_900_000.5,
        },
    ];
    jazz.updated_at += 1_000;
    rooms.save(&jazz).await.unwrap();
    assert_eq!(rooms.get(&jazz.id).await.unwrap(), jazz);
    assert_eq!(rooms.by_name("late jazz").await.unwrap(), jazz);
    assert_eq!(
        rooms.by_name("Jazz Café").await,
        Err(StoreError::NotFound("room"))
    );

    // Bans are replaced, not accumulated.
    jazz.bans.truncate(1);
    jazz.owner_id = None;
    rooms.save(&jazz).await.unwrap();
    assert_eq!(rooms.get(&jazz.id).await.unwrap(), jazz);

    let mut blues = stored_room("Blues");
    blues.created_at += 5;
    rooms.save(&blues).await.unwrap();
    assert_eq!(rooms.list().await.unwrap(), [jazz.clone(), blues.clone()]);

    rooms.delete(&jazz.id).await.unwrap();
    rooms.delete(&jazz.id).await.unwrap();
    assert_eq!(rooms.get(&jazz.id).await, Err(StoreError::NotFound("room")));
    assert_eq!(rooms.list().await.unwrap(), [blues]);
}
