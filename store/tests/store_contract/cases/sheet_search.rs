//! Search held to the domain's own rule ([`SheetSearch::matches`]) over many texts at once:
//! short and long (a backend may use an index for some lengths only), texts spanning two
//! fields of a sheet (which is no match), quotes and the operator words of full-text query
//! languages, and text whose lower case is longer than itself; again after sheets change and
//! go.

use pianorhythm_core::domain::sheet_music::{
    Difficulty, NewSheet, Sheet, SheetSearch, SheetUpdate,
};
use pianorhythm_store::Store;

use super::sheets::{create_all, new_sheet};
use crate::backends::Backend;

const TEXTS: &[&str] = &[
    "",
    "a",
    "é",
    "🎹",
    "ss",
    "ß",
    "\"",
    "*",
    ":",
    "%",
    "_",
    "ab",
    "aa",
    "éé",
    // Each spans two fields of one sheet ("Nocturne" by "Fred", tagged "night"; tags
    // "Romantic" and "Bagatelle"): a match must lie inside one field.
    "ef",
    "dn",
    "cb",
    "İ",
    "0%",
    "_w",
    "d\"",
    "aaa",
    "aaaa",
    "abc",
    "für",
    "FÜR ELISE",
    "strasse",
    "straße",
    "STRASSE",
    "ist",
    "İst",
    "i̇st",
    "ångström",
    "ÅNG",
    "\"quoted\"",
    "\"\"",
    "a\"q",
    "x* or y",
    "x*",
    "or",
    "OR y",
    "near(",
    "near(a b)",
    "title_key:",
    "title_key:abc",
    "tags_key",
    "abc*",
    "^car",
    "-minus",
    "+plus",
    "🎹 so",
    "song 🎹",
    "(.*)",
    "100%",
    "n_w",
    "{\"$ne\"",
    "tag one",
    "one\ntag",
    "e e",
    "rom",
    "nocturne",
    "mantic",
    "no such text at all",
];

/// Titles, creators and tags with the characters the texts above probe.
fn sheets() -> Vec<NewSheet> {
    let sheet = |title: &str, creator: &str, tags: &[&str], n: usize| NewSheet {
        category: ["classical", "jazz"][n % 2].into(),
        difficulty: [Difficulty::Beginner, Difficulty::Expert][n % 3 % 2],
        ..new_sheet(title, creator, tags)
    };
    [
        ("Für Elise", "Ludwig", &["Romantic", "Bagatelle"][..]),
        ("STRASSE", "Anon", &["ss"]),
        ("Straße", "Anon", &["ß"]),
        ("İstanbul", "Yusuf", &["tag one", "tag two"]),
        ("Ångström waltz", "Åsa", &["ÅNG"]),
        ("a \"quoted\" tune", "Quinn", &["\"\""]),
        ("x* OR y", "Boole", &["NEAR(a b)"]),
        ("title_key:abc", "Col Umn", &["tags_key"]),
        ("emoji 🎹 song", "Pia", &["🎹"]),
        ("aaaa", "ab", &["aa"]),
        ("^caret -minus +plus", "Ops", &["abc*"]),
        ("Regex (.*) blues", "Anon", &["100%", "n_w"]),
        ("Dollar {\"$ne\": null}", "Anon", &["e e"]),
        ("Nocturne", "Fred", &["night"]),
        ("Plain", "Éé", &[]),
    ]
    .into_iter()
    .enumerate()
    .map(|(n, (title, creator, tags))| sheet(title, creator, tags, n))
    .collect()
}

pub async fn search_finds_exactly_what_the_domain_rule_matches(backend: &mut Backend) {
    let store = &backend.store;
    let mut created = create_all(store, sheets()).await;
    check_every_text(store, &created).await;

    // Changed and removed sheets are found by their new text only.
    let changes = [
        (
            0,
            SheetUpdate {
                title: Some("Für Therese".into()),
                tags: Some(vec!["STRASSE".into()]),
                ..Default::default()
            },
        ),
        (
            8,
            SheetUpdate {
                tags: Some(Vec::new()),
                category: Some("jazz".into()),
                ..Default::default()
            },
        ),
        (
            13,
            SheetUpdate {
                title: Some("\"quoted\" nocturne".into()),
                difficulty: Some(Difficulty::Expert),
                ..Default::default()
            },
        ),
    ];
    for (n, update) in changes {
        created[n] = store.sheets.update(&created[n].id, update).await.unwrap();
    }
    for gone in [created.remove(5), created.remove(1)] {
        store.sheets.delete(&gone.id).await.unwrap();
    }
    check_every_text(store, &created).await;
}

/// Every text, alone and with each filter, finds what the rule matches among `sheets`
/// (oldest first), newest first, with an exact total.
async fn check_every_text(store: &Store, sheets: &[Sheet]) {
    let filters = [
        (None, None),
        (Some("jazz"), None),
        (None, Some(Difficulty::Expert)),
        (Some("classical"), Some(Difficulty::Beginner)),
    ];
    for text in TEXTS {
        for (category, difficulty) in filters {
            let search = SheetSearch::new(text, category, difficulty, 0, 100).unwrap();
            let expected: Vec<&str> = sheets
                .iter()
                .rev()
                .filter(|sheet| search.matches(sheet))
                .map(|sheet| sheet.title.as_str())
                .collect();
            let found = store.sheets.search(&search).await.unwrap();
            let titles: Vec<&str> = found.sheets.iter().map(|s| s.title.as_str()).collect();
            assert_eq!(titles, expected, "{search:?}");
            assert_eq!(found.total as usize, expected.len(), "{search:?}");
        }
    }
}
