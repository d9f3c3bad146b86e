use std::time::Duration;

use pianorhythm_core::domain::sheet_music::{
    Difficulty, NewSheet, Sheet, SheetFormat, SheetSearch,
};
use pianorhythm_store::{Store, StoreError};

use crate::backends::Backend;

pub fn new_sheet(title: &str, creator: &str, tags: &[&str]) -> NewSheet {
    NewSheet {
        title: title.into(),
        creator_id: format!("id-{creator}"),
        creator_name: creator.into(),
        tags: tags.iter().map(|tag| tag.to_string()).collect(),
        category: "classical".into(),
        difficulty: Difficulty::Intermediate,
        format: SheetFormat::VirtualPiano,
        content: b"[tf] y u i".to_vec(),
        timeline: None,
    }
}

/// Creates the sheets in order, a few ms apart so "newest first" is unambiguous.
pub(crate) async fn create_all(store: &Store, sheets: Vec<NewSheet>) -> Vec<Sheet> {
    let mut created = Vec::new();
    for sheet in sheets {
        created.push(store.sheets.create(sheet).await.unwrap());
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    created
}

/// The titles the search for `text` finds, newest first; checks the total is their number.
pub(crate) async fn titles(store: &Store, text: &str) -> Vec<String> {
    let search = SheetSearch::new(text, None, None, 0, 100).unwrap();
    let page = store.sheets.search(&search).await.unwrap();
    assert_eq!(page.total as usize, page.sheets.len(), "{text:?}");
    page.sheets.into_iter().map(|sheet| sheet.title).collect()
}

pub async fn search_matches_title_creator_or_tag_ignoring_case(backend: &mut Backend) {
    let store = &backend.store;
    create_all(
        store,
        vec![
            new_sheet("Für Elise", "Ludwig", &["Romantic", "Bagatelle"]),
            new_sheet("Moonlight Sonata", "ludwig van", &["sonata"]),
            new_sheet("Gymnopédie No.1", "Erik", &["Calm", "ÉTUDE"]),
            new_sheet("Clair de Lune", "Claude", &["impressionism"]),
        ],
    )
    .await;
    assert_eq!(titles(store, "FÜR").await, ["Für Elise"]);
    assert_eq!(
        titles(store, "LUDWIG").await,
        ["Moonlight Sonata", "Für Elise"]
    );
    assert_eq!(titles(store, "sonata").await, ["Moonlight Sonata"]);
    assert_eq!(titles(store, "bagat").await, ["Für Elise"]);
    assert_eq!(titles(store, "étude").await, ["Gymnopédie No.1"]);
    assert_eq!(titles(store, "  de lune ").await, ["Clair de Lune"]);
    assert_eq!(titles(store, "no.1").await, ["Gymnopédie No.1"]);
    assert_eq!(titles(store, "mozart").await, Vec::<String>::new());
    assert_eq!(titles(store, "").await.len(), 4);
}

pub async fn search_filters_orders_newest_first_and_pages(backend: &mut Backend) {
    let store = &backend.store;
    let sheets = (0..25)
        .map(|n| NewSheet {
            category: if n % 2 == 0 { "Jazz" } else { "pop" }.into(),
            difficulty: if n % 5 == 0 {
                Difficulty::Expert
            } else {
                Difficulty::Beginner
            },
            ..new_sheet(&format!("Etude {n:02}"), "Chopin", &["study"])
        })
        .collect();
    let created = create_all(store, sheets).await;
    let newest_first: Vec<&Sheet> = created.iter().rev().collect();

    let mut seen = Vec::new();
    for page in 0..3 {
        let search = SheetSearch::new("etude", None, None, page * 10, 10).unwrap();
        let found = store.sheets.search(&search).await.unwrap();
        assert_eq!(found.total, 25);
        seen.extend(found.sheets);
    }
    assert_eq!(seen.iter().collect::<Vec<_>>(), newest_first);

    let search =
        SheetSearch::new("ETUDE", Some(" JAZZ "), Some(Difficulty::Expert), 0, 100).unwrap();
    let found = store.sheets.search(&search).await.unwrap();
    let expected: Vec<&str> = ["Etude 20", "Etude 10", "Etude 00"].into();
    assert_eq!(found.total, 3);
    assert_eq!(
        found
            .sheets
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>(),
        expected
    );
    assert!(found.sheets.iter().all(|sheet| sheet.category == "jazz"));

    let only_category = SheetSearch::new("", Some("pop"), None, 10, 5).unwrap();
    let found = store.sheets.search(&only_category).await.unwrap();
    assert_eq!(found.total, 12);
    assert_eq!(found.sheets.len(), 2);

    let past_the_end = SheetSearch::new("etude", None, None, 1_000, 10).unwrap();
    let found = store.sheets.search(&past_the_end).await.unwrap();
    assert_eq!((found.total, found.sheets.len()), (25, 0));

    let search = SheetSearch::new("etude 07", None, None, 0, 1).unwrap();
    let found = store.sheets.search(&search).await.unwrap();
    assert_eq!(
        found.sheets,
        [store.sheets.get(&created[7].id).await.unwrap()]
    );
}

pub async fn search_text_is_never_a_pattern_or_operator(backend: &mut Backend) {
    let store = &backend.store;
    create_all(
        store,
        vec![
            new_sheet("Plain song", "Anon", &["folk"]),
            new_sheet("Regex (.*) blues", "Anon", &["a+b"]),
            new_sheet("100% cotton_wool", "Anon", &["back\\slash"]),
            new_sheet("Dollar $where {}", "Anon", &["[x]"]),
        ],
    )
    .await;
    assert_eq!(titles(store, ".*").await, ["Regex (.*) blues"]);
    assert_eq!(titles(store, "(").await, ["Regex (.*) blues"]);
    assert_eq!(titles(store, "a+b").await, ["Regex (.*) blues"]);
    assert_eq!(titles(store, "%").await, ["100% cotton_wool"]);
    assert_eq!(titles(store, "_").await, ["100% cotton_wool"]);
    assert_eq!(titles(store, "\\").await, ["100% cotton_wool"]);
    assert_eq!(titles(store, "$where").await, ["Dollar $where {}"]);
    assert_eq!(titles(store, "[x]").await, ["Dollar $where {}"]);
    for nothing in [
        "^",
        "|",
        "\\d",
        "p.ain",
        "(?i)plain",
        ".+",
        "?",
        "{\"$ne\": null}",
        "*b",
    ] {
        assert_eq!(
            titles(store, nothing).await,
            Vec::<String>::new(),
            "{nothing:?}"
        );
    }
}

pub async fn concurrent_favorites_are_all_counted_exactly_once(backend: &mut Backend) {
    let sheets = &backend.store.sheets;
    let sheet = sheets
        .create(new_sheet("Nocturne", "Fred", &[]))
        .await
        .unwrap();
    let other = sheets
        .create(new_sheet("Waltz", "Fred", &[]))
        .await
        .unwrap();

    // Different users at once: both count.
    let (ada, grace) = tokio::join!(
        sheets.add_favorite("ada", &sheet.id),
        sheets.add_favorite("grace", &sheet.id)
    );
    assert_eq!((ada, grace), (Ok(true), Ok(true)));
    // The same user twice at once: one favourite.
    let (first, second) = tokio::join!(
        sheets.add_favorite("hedy", &sheet.id),
        sheets.add_favorite("hedy", &sheet.id)
    );
    let mut outcomes = [first.unwrap(), second.unwrap()];
    outcomes.sort();
    assert_eq!(outcomes, [false, true]);
    assert_eq!(sheets.get(&sheet.id).await.unwrap().favorite_count, 3);

    // Many at once.
    let many = (0..20).map(|n| {
        let sheets = sheets.clone();
        let id = other.id.clone();
        tokio::spawn(async move { sheets.add_favorite(&format!("fan-{n}"), &id).await })
    });
    for added in futures_util::future::join_all(many).await {
        assert_eq!(added.unwrap(), Ok(true));
    }
    assert_eq!(sheets.get(&other.id).await.unwrap().favorite_count, 20);

    assert_eq!(sheets.remove_favorite("ada", &sheet.id).await, Ok(true));
    assert_eq!(sheets.remove_favorite("ada", &sheet.id).await, Ok(false));
    assert_eq!(sheets.get(&sheet.id).await.unwrap().favorite_count, 2);

    sheets.add_favorite("fan-1", &sheet.id).await.unwrap();
    let favorites = sheets.favorites("fan-1").await.unwrap();
    let titles: Vec<&str> = favorites.iter().map(|sheet| sheet.title.as_str()).collect();
    assert_eq!(titles, ["Nocturne", "Waltz"]);
    assert_eq!(sheets.favorites("nobody").await.unwrap(), []);
    assert_eq!(
        sheets.remove_favorite("ada", "no-such-sheet").await,
        Err(StoreError::NotFound("sheet"))
    );
}

pub async fn concurrent_downloads_are_all_counted(backend: &mut Backend) {
    let sheets = &backend.store.sheets;
    let sheet = sheets
        .create(new_sheet("Prelude", "Bach", &[]))
        .await
        .unwrap();
    let downloads = (0..25).map(|_| {
        let sheets = sheets.clone();
        let id = sheet.id.clone();
        tokio::spawn(async move { sheets.record_download(&id).await.unwrap() })
    });
    let mut counts: Vec<u64> = futures_util::future::join_all(downloads)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    counts.sort();
    assert_eq!(counts, (1..=25).collect::<Vec<u64>>());
    assert_eq!(sheets.get(&sheet.id).await.unwrap().download_count, 25);
}

pub async fn sheet_content_round_trips_byte_for_byte(backend: &mut Backend) {
    let sheets = &backend.store.sheets;
    let content: Vec<u8> = (0..=255).cycle().take(100_000).collect();
    let sheet = NewSheet {
        format: SheetFormat::Midi,
        difficulty: Difficulty::Advanced,
        content: content.clone(),
        ..new_sheet("  Binary  ", "Someone", &["midi", "MIDI file"])
    };
    let created = sheets.create(sheet).await.unwrap();
    assert_eq!(created.title, "Binary");
    assert_eq!(created.format, SheetFormat::Midi);
    assert_eq!(created.tags, ["midi", "MIDI file"]);
    assert_eq!(sheets.get(&created.id).await.unwrap(), created);
    assert_eq!(sheets.content(&created.id).await.unwrap(), content);

    let too_long = new_sheet(&"x".repeat(121), "Someone", &[]);
    assert!(matches!(
        sheets.create(too_long).await,
        Err(StoreError::Invalid(_))
    ));
}
