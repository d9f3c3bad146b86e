//! Changing and removing sheets: only named fields are written, and a removed sheet is gone
//! from every read, search and favourites list.

use pianorhythm_core::domain::sheet_music::{
    Difficulty, NewSheet, Sheet, SheetSearch, SheetUpdate, MAX_TAGS,
};
use pianorhythm_store::StoreError;

use super::sheets::{create_all, new_sheet, titles};
use crate::backends::Backend;

pub async fn sheet_updates_write_only_named_fields_and_are_validated(backend: &mut Backend) {
    let store = &backend.store;
    let sheets = &store.sheets;
    let created = sheets
        .create(NewSheet {
            category: "Jazz".into(),
            difficulty: Difficulty::Beginner,
            ..new_sheet("Nocturne", "Fred", &["Night", "Calm"])
        })
        .await
        .unwrap();
    sheets.add_favorite("ada", &created.id).await.unwrap();
    sheets.record_download(&created.id).await.unwrap();
    let before = sheets.get(&created.id).await.unwrap();

    let title = SheetUpdate {
        title: Some("  Nocturne in E-flat ".into()),
        ..Default::default()
    };
    let renamed = sheets.update(&created.id, title).await.unwrap();
    assert_eq!(
        renamed,
        Sheet {
            title: "Nocturne in E-flat".into(),
            ..before.clone()
        }
    );
    assert_eq!(sheets.get(&created.id).await.unwrap(), renamed);

    let the_rest = SheetUpdate {
        title: None,
        tags: Some(vec!["Op. 9".into(), " Op. 9".into(), "Romantic".into()]),
        category: Some(" Classical ".into()),
        difficulty: Some(Difficulty::Expert),
    };
    let updated = sheets.update(&created.id, the_rest).await.unwrap();
    assert_eq!(
        updated,
        Sheet {
            tags: vec!["Op. 9".into(), "Romantic".into()],
            category: "classical".into(),
            difficulty: Difficulty::Expert,
            ..renamed
        }
    );
    assert_eq!(sheets.get(&created.id).await.unwrap(), updated);
    assert_eq!(
        sheets.content(&created.id).await.unwrap(),
        b"[tf] y u i".to_vec()
    );
    // Nothing named: nothing changes.
    let unchanged = sheets.update(&created.id, SheetUpdate::default()).await;
    assert_eq!(unchanged, Ok(updated.clone()));

    // Search sees the new text, not the old, through the index (3+ characters) and without.
    assert_eq!(titles(store, "e-flat").await, ["Nocturne in E-flat"]);
    assert_eq!(titles(store, "OP. 9").await, ["Nocturne in E-flat"]);
    assert_eq!(titles(store, "mantic").await, ["Nocturne in E-flat"]);
    assert_eq!(titles(store, "9").await, ["Nocturne in E-flat"]);
    assert_eq!(titles(store, "night").await, Vec::<String>::new());
    assert_eq!(titles(store, "calm").await, Vec::<String>::new());
    let by_category = |category: &str| {
        SheetSearch::new("nocturne", Some(category), Some(Difficulty::Expert), 0, 10).unwrap()
    };
    assert_eq!(
        sheets
            .search(&by_category("classical"))
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(sheets.search(&by_category("jazz")).await.unwrap().total, 0);

    let no_tags = SheetUpdate {
        tags: Some(Vec::new()),
        ..Default::default()
    };
    let untagged = sheets.update(&created.id, no_tags).await.unwrap();
    assert_eq!(untagged.tags, Vec::<String>::new());
    assert_eq!(titles(store, "op. 9").await, Vec::<String>::new());

    let invalid = [
        SheetUpdate {
            title: Some("   ".into()),
            ..Default::default()
        },
        SheetUpdate {
            title: Some("x".repeat(121)),
            ..Default::default()
        },
        SheetUpdate {
            tags: Some((0..=MAX_TAGS).map(|n| format!("tag {n}")).collect()),
            ..Default::default()
        },
        SheetUpdate {
            // Valid title, invalid category: nothing at all is written.
            title: Some("Half written".into()),
            category: Some(String::new()),
            ..Default::default()
        },
    ];
    for update in invalid {
        let refused = sheets.update(&created.id, update.clone()).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{update:?}");
    }
    assert_eq!(sheets.get(&created.id).await.unwrap(), untagged);

    let unknown = SheetUpdate {
        title: Some("Anything".into()),
        ..Default::default()
    };
    assert_eq!(
        sheets.update("no-such-sheet", unknown).await,
        Err(StoreError::NotFound("sheet"))
    );
}

pub async fn concurrent_sheet_updates_of_different_fields_all_land(backend: &mut Backend) {
    let sheets = &backend.store.sheets;
    let created = sheets
        .create(new_sheet("Prelude", "Bach", &["baroque"]))
        .await
        .unwrap();
    let id = created.id.as_str();
    let (title, tags, category, difficulty) = tokio::join!(
        sheets.update(
            id,
            SheetUpdate {
                title: Some("Prelude in C".into()),
                ..Default::default()
            }
        ),
        sheets.update(
            id,
            SheetUpdate {
                tags: Some(vec!["WTC".into()]),
                ..Default::default()
            }
        ),
        sheets.update(
            id,
            SheetUpdate {
                category: Some("Baroque".into()),
                ..Default::default()
            }
        ),
        sheets.update(
            id,
            SheetUpdate {
                difficulty: Some(Difficulty::Advanced),
                ..Default::default()
            }
        ),
    );
    for updated in [title, tags, category, difficulty] {
        updated.unwrap();
    }
    let all = sheets.get(id).await.unwrap();
    assert_eq!(
        all,
        Sheet {
            title: "Prelude in C".into(),
            tags: vec!["WTC".into()],
            category: "baroque".into(),
            difficulty: Difficulty::Advanced,
            ..created
        }
    );
    assert_eq!(titles(&backend.store, "wtc").await, ["Prelude in C"]);
    assert_eq!(titles(&backend.store, "in c").await, ["Prelude in C"]);
}

pub async fn a_deleted_sheet_is_gone_from_every_read_search_and_favorites(backend: &mut Backend) {
    let store = &backend.store;
    let sheets = &store.sheets;
    let created = create_all(
        store,
        vec![
            new_sheet("Nocturne", "Fred", &["night"]),
            new_sheet("Nocturnal", "Fred", &["night"]),
        ],
    )
    .await;
    let (gone, kept) = (&created[0], &created[1]);
    for user in ["ada", "grace"] {
        sheets.add_favorite(user, &gone.id).await.unwrap();
    }
    sheets.add_favorite("ada", &kept.id).await.unwrap();

    assert_eq!(sheets.delete(&gone.id).await, Ok(()));

    assert_eq!(
        sheets.get(&gone.id).await,
        Err(StoreError::NotFound("sheet"))
    );
    assert_eq!(
        sheets.content(&gone.id).await,
        Err(StoreError::NotFound("sheet"))
    );
    // Through the index, the scan, and no text at all.
    for text in ["noct", "NOCTURN", "ni", "n", ""] {
        assert_eq!(titles(store, text).await, ["Nocturnal"], "{text:?}");
    }
    let favorites = |user: &'static str| async move {
        let found = sheets.favorites(user).await.unwrap();
        found.into_iter().map(|sheet| sheet.id).collect::<Vec<_>>()
    };
    assert_eq!(favorites("ada").await, std::slice::from_ref(&kept.id));
    assert_eq!(favorites("grace").await, Vec::<String>::new());
    assert_eq!(sheets.get(&kept.id).await.unwrap().favorite_count, 1);

    for later in [
        sheets.record_download(&gone.id).await.map(drop),
        sheets.add_favorite("grace", &gone.id).await.map(drop),
        sheets
            .update(&gone.id, SheetUpdate::default())
            .await
            .map(drop),
    ] {
        assert_eq!(later, Err(StoreError::NotFound("sheet")));
    }
    // Gone already, or never there: not an error.
    assert_eq!(sheets.delete(&gone.id).await, Ok(()));
    assert_eq!(sheets.delete("no-such-sheet").await, Ok(()));
    assert_eq!(favorites("grace").await, Vec::<String>::new());
    let kept_now = Sheet {
        favorite_count: 1,
        ..kept.clone()
    };
    assert_eq!(sheets.get(&kept.id).await.unwrap(), kept_now);
}
