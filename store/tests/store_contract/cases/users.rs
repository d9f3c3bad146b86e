use pianorhythm_core::{
    domain::user::{NewUser, ProfileUpdate, Role, UserSettings},
    protocol::Instrument,
};
use pianorhythm_store::{ids, StoreError};

use crate::backends::Backend;

pub fn new_user(usertag: &str, email: Option<&str>) -> NewUser {
    NewUser {
        username: format!("User {usertag}"),
        usertag: usertag.into(),
        email: email.map(str::to_owned),
        color: "#336699".into(),
    }
}

/// A preset a member may keep.
fn flute() -> Instrument {
    Instrument {
        bank: 0,
        program: 73,
        name: "Flute".into(),
    }
}

pub async fn users_round_trip_and_are_found_by_usertag_or_email_ignoring_case(
    backend: &mut Backend,
) {
    let users = &backend.store.users;
    let ada = users
        .create(new_user("Ada_L", Some("Ada@Example.org")))
        .await
        .unwrap();
    assert!(ids::is_well_formed(&ada.id));
    assert_eq!(ada.usertag, "Ada_L");
    assert_eq!(ada.email.as_deref(), Some("ada@example.org"));
    assert_eq!(ada.roles, [Role::Member]);
    assert_eq!(ada.settings, UserSettings::default());
    assert_eq!((ada.location.as_deref(), ada.banned_until), (None, None));
    assert_eq!(ada.created_at, ada.updated_at);

    assert_eq!(users.get(&ada.id).await.unwrap(), ada);
    assert_eq!(users.by_usertag("ada_l").await.unwrap(), ada);
    assert_eq!(users.by_usertag(" ADA_L ").await.unwrap(), ada);
    assert_eq!(users.by_email("ADA@example.ORG").await.unwrap(), ada);
    assert_eq!(
        users.by_usertag("ada").await,
        Err(StoreError::NotFound("user"))
    );
}

pub async fn a_taken_usertag_or_email_is_a_conflict(backend: &mut Backend) {
    let users = &backend.store.users;
    let ada = users
        .create(new_user("ada", Some("ada@example.org")))
        .await
        .unwrap();
    let usertag = Err(StoreError::Conflict { what: "usertag" });
    let email = Err(StoreError::Conflict { what: "email" });
    assert_eq!(
        users.create(new_user("ADA", None)).await.map(|_| ()),
        usertag
    );
    assert_eq!(
        users
            .create(new_user("grace", Some("ADA@example.org")))
            .await
            .map(|_| ()),
        email
    );
    // Accounts without an email never collide with each other.
    let grace = users.create(new_user("grace", None)).await.unwrap();
    let hedy = users.create(new_user("hedy", None)).await.unwrap();
    assert_eq!(hedy.email, None);

    let rename = ProfileUpdate {
        usertag: Some("Ada".into()),
        ..Default::default()
    };
    assert_eq!(users.update(&grace.id, rename).await.map(|_| ()), usertag);
    let steal_email = ProfileUpdate {
        email: Some(Some("ada@example.org".into())),
        ..Default::default()
    };
    assert_eq!(users.update(&hedy.id, steal_email).await.map(|_| ()), email);
    // A refused change changes nothing; a member may re-case their own usertag.
    assert_eq!(users.get(&grace.id).await.unwrap(), grace);
    let recase = ProfileUpdate {
        usertag: Some("ADA".into()),
        ..Default::default()
    };
    assert_eq!(users.update(&ada.id, recase).await.unwrap().usertag, "ADA");
}

pub async fn usertag_lookup_is_exact_never_a_pattern(backend: &mut Backend) {
    let users = &backend.store.users;
    let dotted = users.create(new_user("ada.b", None)).await.unwrap();
    users.create(new_user("adaxb", None)).await.unwrap();
    assert_eq!(users.by_usertag("ADA.B").await.unwrap(), dotted);
    for pattern in [
        "ada.*",
        "^ada",
        ".*",
        "ada.b$",
        "ada\\.b",
        "(?i)ada.b",
        "a%",
        "ad_.b",
    ] {
        assert_eq!(
            users.by_usertag(pattern).await,
            Err(StoreError::NotFound("user")),
            "{pattern:?} must match nothing"
        );
    }
    assert_eq!(
        users.by_email(".*").await,
        Err(StoreError::NotFound("user"))
    );
}

pub async fn unknown_or_malformed_ids_are_not_found(backend: &mut Backend) {
    let store = &backend.store;
    store.users.create(new_user("someone", None)).await.unwrap();
    let unknown = ids::new_id();
    for id in [
        unknown.as_str(),
        "",
        "not-an-id",
        "'; DROP TABLE users; --",
        "{\"$gt\": \"\"}",
        "$where",
    ] {
        assert_eq!(
            store.users.get(id).await,
            Err(StoreError::NotFound("user")),
            "{id:?}"
        );
        let update = ProfileUpdate {
            bio: Some(Some("hello".into())),
            ..Default::default()
        };
        assert_eq!(
            store.users.update(id, update).await,
            Err(StoreError::NotFound("user"))
        );
        assert_eq!(store.rooms.get(id).await, Err(StoreError::NotFound("room")));
        assert_eq!(
            store.sheets.get(id).await,
            Err(StoreError::NotFound("sheet"))
        );
        assert_eq!(
            store.sheets.content(id).await,
            Err(StoreError::NotFound("sheet"))
        );
        assert_eq!(
            store.sheets.record_download(id).await,
            Err(StoreError::NotFound("sheet"))
        );
        assert_eq!(
            store.sheets.add_favorite("user", id).await,
            Err(StoreError::NotFound("sheet"))
        );
        assert_eq!(store.sessions.load(id, 0).await, Ok(None));
    }
}

pub async fn invalid_input_is_refused(backend: &mut Backend) {
    let users = &backend.store.users;
    for bad in [
        new_user("a b", None),
        new_user("x", None),
        new_user("fine", Some("not an email")),
        NewUser {
            color: "red".into(),
            ..new_user("fine", None)
        },
    ] {
        assert!(
            matches!(users.create(bad.clone()).await, Err(StoreError::Invalid(_))),
            "{bad:?}"
        );
    }
    let ada = users.create(new_user("ada", None)).await.unwrap();
    let bad = ProfileUpdate {
        avatar_url: Some(Some("javascript:alert(1)".into())),
        ..Default::default()
    };
    assert!(matches!(
        users.update(&ada.id, bad).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn profile_updates_write_only_named_fields_so_concurrent_ones_both_land(
    backend: &mut Backend,
) {
    let users = &backend.store.users;
    let ada = users.create(new_user("ada", None)).await.unwrap();
    let bio = ProfileUpdate {
        bio: Some(Some("Countess of Lovelace".into())),
        ..Default::default()
    };
    let color = ProfileUpdate {
        color: Some("#AA0000".into()),
        ..Default::default()
    };
    let (a, b) = tokio::join!(users.update(&ada.id, bio), users.update(&ada.id, color));
    a.unwrap();
    b.unwrap();
    let both = users.get(&ada.id).await.unwrap();
    assert_eq!(both.bio.as_deref(), Some("Countess of Lovelace"));
    assert_eq!(both.color, "#aa0000");
    assert!(both.updated_at >= ada.updated_at);

    let everything = ProfileUpdate {
        username: Some("Ada Lovelace".into()),
        usertag: Some("lovelace".into()),
        email: Some(Some("ada@example.org".into())),
        roles: Some(vec![Role::Member, Role::Moderator]),
        color: None,
        avatar_url: Some(Some("https://example.org/ada.png".into())),
        bio: Some(None),
        location: Some(Some("Lisbon".into())),
        settings: Some(UserSettings {
            theme: "dark".into(),
            notifications: false,
            privacy: "members".into(),
            instrument: None,
        }),
        instrument: Some(Some(flute())),
        banned_until: Some(Some(1_700_000_000_000)),
        end_tokens: true,
    };
    let updated = users.update(&ada.id, everything).await.unwrap();
    assert_eq!(updated.token_version, ada.token_version + 1);
    assert_eq!(updated.username, "Ada Lovelace");
    assert_eq!(updated.usertag, "lovelace");
    assert_eq!(updated.email.as_deref(), Some("ada@example.org"));
    assert_eq!(updated.roles, [Role::Member, Role::Moderator]);
    assert_eq!(updated.color, "#aa0000");
    assert_eq!(
        updated.avatar_url.as_deref(),
        Some("https://example.org/ada.png")
    );
    assert_eq!(updated.bio, None);
    assert_eq!(updated.location.as_deref(), Some("Lisbon"));
    assert_eq!(updated.settings.theme, "dark");
    assert_eq!(updated.settings.instrument, Some(flute()));
    assert_eq!(updated.banned_until, Some(1_700_000_000_000));
    assert_eq!(users.get(&ada.id).await.unwrap(), updated);
    assert_eq!(users.by_usertag("LOVELACE").await.unwrap(), updated);
    assert_eq!(
        users.by_usertag("ada").await,
        Err(StoreError::NotFound("user"))
    );
    // An email is free again once changed. (Re-using a usertag or email given at creation is
    // not tried: SecantusDB keeps a unique index's entry from an insert after the document
    // changes, a bug of that test server; the store itself leaves uniqueness to the index.)
    let change = ProfileUpdate {
        email: Some(Some("countess@example.org".into())),
        ..Default::default()
    };
    users.update(&ada.id, change).await.unwrap();
    users
        .create(new_user("other", Some("ada@example.org")))
        .await
        .unwrap();
    let clear = ProfileUpdate {
        email: Some(None),
        ..Default::default()
    };
    assert_eq!(users.update(&ada.id, clear).await.unwrap().email, None);
    assert_eq!(
        users.by_email("countess@example.org").await,
        Err(StoreError::NotFound("user"))
    );
}

pub async fn every_role_round_trips_through_an_update(backend: &mut Backend) {
    let users = &backend.store.users;
    let ada = users.create(new_user("ada", None)).await.unwrap();
    for role in Role::ALL {
        let change = ProfileUpdate {
            roles: Some(vec![role]),
            ..Default::default()
        };
        assert_eq!(users.update(&ada.id, change).await.unwrap().roles, [role]);
        assert_eq!(users.get(&ada.id).await.unwrap().roles, [role], "{role:?}");
    }
    let all = ProfileUpdate {
        roles: Some(Role::ALL.to_vec()),
        ..Default::default()
    };
    users.update(&ada.id, all).await.unwrap();
    let reread = users.get(&ada.id).await.unwrap();
    assert_eq!(reread.roles, Role::ALL);
    assert_eq!(reread.role(), Role::Admin);
}

pub async fn location_and_site_ban_are_set_left_and_cleared(backend: &mut Backend) {
    let users = &backend.store.users;
    let ada = users.create(new_user("ada", None)).await.unwrap();
    let until = 1_700_000_600_000;
    let set = ProfileUpdate {
        location: Some(Some("  São Paulo ".into())),
        banned_until: Some(Some(until)),
        ..Default::default()
    };
    let banned = users.update(&ada.id, set).await.unwrap();
    assert_eq!(banned.location.as_deref(), Some("São Paulo"));
    assert_eq!(banned.banned_until, Some(until));
    assert!(banned.is_banned(until - 1) && !banned.is_banned(until));
    assert_eq!(users.get(&ada.id).await.unwrap(), banned);

    // A change naming neither leaves both as they are.
    let bio = ProfileUpdate {
        bio: Some(Some("hello".into())),
        ..Default::default()
    };
    let kept = users.update(&ada.id, bio).await.unwrap();
    assert_eq!(
        (kept.location.as_deref(), kept.banned_until),
        (Some("São Paulo"), Some(until))
    );

    let clear = ProfileUpdate {
        location: Some(None),
        banned_until: Some(None),
        ..Default::default()
    };
    let cleared = users.update(&ada.id, clear).await.unwrap();
    assert_eq!(
        (cleared.location.as_deref(), cleared.banned_until),
        (None, None)
    );
    assert_eq!(users.get(&ada.id).await.unwrap(), cleared);

    let control_characters = ProfileUpdate {
        location: Some(Some("two\nlines".into())),
        ..Default::default()
    };
    assert!(matches!(
        users.update(&ada.id, control_characters).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn the_kept_instrument_is_set_cleared_and_outlives_a_settings_save(
    backend: &mut Backend,
) {
    let users = &backend.store.users;
    let ada = users.create(new_user("ada", None)).await.unwrap();
    assert_eq!(ada.settings.instrument, None);
    // The settings page saved while the player picks an instrument: both land.
    let page = ProfileUpdate {
        settings: Some(UserSettings {
            theme: "dark".into(),
            instrument: None,
            ..UserSettings::default()
        }),
        ..Default::default()
    };
    let pick = ProfileUpdate {
        instrument: Some(Some(flute())),
        ..Default::default()
    };
    let (a, b) = tokio::join!(
        users.update(&ada.id, page.clone()),
        users.update(&ada.id, pick)
    );
    a.unwrap();
    b.unwrap();
    let both = users.get(&ada.id).await.unwrap();
    assert_eq!(both.settings.theme, "dark");
    assert_eq!(both.settings.instrument, Some(flute()));
    // Saving the page again leaves the instrument as it is.
    let saved = users.update(&ada.id, page).await.unwrap();
    assert_eq!(saved.settings.instrument, Some(flute()));

    let out_of_range = ProfileUpdate {
        instrument: Some(Some(Instrument {
            bank: 129,
            ..flute()
        })),
        ..Default::default()
    };
    assert!(matches!(
        users.update(&ada.id, out_of_range).await,
        Err(StoreError::Invalid(_))
    ));

    let piano = ProfileUpdate {
        instrument: Some(None),
        ..Default::default()
    };
    let cleared = users.update(&ada.id, piano).await.unwrap();
    assert_eq!(cleared.settings.instrument, None);
    assert_eq!(cleared.settings.theme, "dark");
    assert_eq!(users.get(&ada.id).await.unwrap(), cleared);
}

pub async fn ending_tokens_bumps_the_version_once_per_write_and_concurrently(
    backend: &mut Backend,
) {
    let users = &backend.store.users;
    let ada = users.create(new_user("ada", None)).await.unwrap();
    let grace = users.create(new_user("grace", None)).await.unwrap();
    assert_eq!(ada.token_version, 0);

    // Alone (sign-out), and in the same write as a role change.
    let end = || ProfileUpdate {
        end_tokens: true,
        ..Default::default()
    };
    assert_eq!(users.update(&ada.id, end()).await.unwrap().token_version, 1);
    let promoted = ProfileUpdate {
        roles: Some(vec![Role::Member, Role::Moderator]),
        end_tokens: true,
        ..Default::default()
    };
    let promoted = users.update(&ada.id, promoted).await.unwrap();
    assert_eq!(
        (promoted.token_version, promoted.role()),
        (2, Role::Moderator)
    );

    // A write that does not end them leaves the version as it is.
    let bio = ProfileUpdate {
        bio: Some(Some("hello".into())),
        ..Default::default()
    };
    assert_eq!(users.update(&ada.id, bio).await.unwrap().token_version, 2);

    // Two sign-outs at once both count: no bump is lost to a stale read.
    let bumps = (0..8).map(|_| {
        let users = users.clone();
        let id = ada.id.clone();
        tokio::spawn(async move { users.update(&id, end()).await.unwrap() })
    });
    for bump in futures_util::future::join_all(bumps).await {
        bump.unwrap();
    }
    assert_eq!(users.get(&ada.id).await.unwrap().token_version, 10);
    assert_eq!(users.get(&grace.id).await.unwrap().token_version, 0);
    assert!(matches!(
        users.update("nobody", end()).await,
        Err(StoreError::NotFound(_))
    ));
}
