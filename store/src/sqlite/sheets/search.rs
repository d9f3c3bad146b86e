//! Sheet music search on SQLite: the seed's rules (see [`SheetSearch`]), served by two FTS5
//! indexes over the same lower-cased keys `instr` would read, so they find exactly the same
//! sheets.
//!
//! A text of 3 or more characters is looked up in the trigram index (`sheet_search`,
//! migration 0003) as one FTS5 string, which is a literal substring match inside one column:
//! FTS5 gives no character in a string a meaning but `"`, which is doubled. A shorter text has
//! no trigram; it is one token of the index of characters and pairs (`sheet_grams`, migration
//! 0004), which also holds each sheet's category and difficulty, so the total of a short text
//! is counted from the index alone, filters included.

use pianorhythm_core::domain::sheet_music::{SheetPage, SheetSearch};
use sqlx::{sqlite::SqliteRow, QueryBuilder, Sqlite, SqlitePool};

use super::{sheet_from_row, COLUMNS};
use crate::{sqlite::unavailable, StoreResult};

/// The trigram tokenizer indexes every run of 3 characters; nothing shorter can be looked up.
const MIN_INDEXED_CHARS: usize = 3;

/// Up to this many matches of a short text, its page is read through `sheet_grams`: one
/// lookup of each match, then a sort. With more, walking the sheets newest first finds a page
/// sooner, as about one sheet in (sheets / total) is a match.
const FEW_SHORT_MATCHES: u64 = 1_000;

/// How the search text selects sheets.
enum Text<'a> {
    /// No text: every sheet.
    Any,
    /// Through the trigram index, with the text as an FTS5 string.
    Long(String),
    /// 1 or 2 characters: through the index of characters and pairs.
    Short {
        /// The lower-cased text, for `instr` when the sheets are walked.
        key: &'a str,
        /// The `sheet_grams` query: the text's token and those of the filters.
        tokens: String,
    },
}

impl<'a> Text<'a> {
    fn of(search: &'a SheetSearch) -> Self {
        let key = search.text_key.as_str();
        match key.chars().count() {
            0 => Self::Any,
            n if n < MIN_INDEXED_CHARS => Self::Short {
                key,
                tokens: gram_tokens(search),
            },
            _ => Self::Long(fts_string(key)),
        }
    }
}

/// Where the rows of a search are read from.
#[derive(Clone, Copy)]
enum Rows<'a> {
    /// Every sheet.
    All,
    /// The sheets the trigram index finds for this FTS5 string.
    Trigrams(&'a str),
    /// The sheets `sheet_grams` finds for these tokens.
    Grams(&'a str),
    /// Every sheet, newest first, whose keys hold this text (found with `instr`).
    Walk(&'a str),
}

/// The page and the exact total, read in one transaction so both see the same sheets.
pub(super) async fn search(pool: &SqlitePool, search: &SheetSearch) -> StoreResult<SheetPage> {
    let text = Text::of(search);
    let mut transaction = pool.begin().await.map_err(unavailable)?;
    let mut count = match &text {
        // The index holds the filters too: no sheet is read to count.
        Text::Short { tokens, .. } => {
            let mut query =
                QueryBuilder::new("SELECT count(*) FROM sheet_grams WHERE sheet_grams MATCH ");
            query.push_bind(tokens.as_str());
            query
        }
        Text::Any => select("count(*)", search, Rows::All),
        Text::Long(string) => select("count(*)", search, Rows::Trigrams(string)),
    };
    let total: i64 = count
        .build_query_scalar()
        .fetch_one(&mut *transaction)
        .await
        .map_err(unavailable)?;
    let total = total as u64;
    // A page past the last match is empty: not reading it saves a walk of every sheet when a
    // text is found nowhere.
    let sheets = if search.skip >= total {
        Vec::new()
    } else {
        let rows = match &text {
            Text::Any => Rows::All,
            Text::Long(string) => Rows::Trigrams(string),
            Text::Short { tokens, .. } if total <= FEW_SHORT_MATCHES => Rows::Grams(tokens),
            Text::Short { key, .. } => Rows::Walk(key),
        };
        page(search, rows)
            .build()
            .try_map(|row: SqliteRow| sheet_from_row(&row))
            .fetch_all(&mut *transaction)
            .await
            .map_err(unavailable)?
    };
    transaction.commit().await.map_err(unavailable)?;
    Ok(SheetPage { sheets, total })
}

/// The search's page of `rows`, newest first.
fn page<'a>(search: &'a SheetSearch, rows: Rows<'a>) -> QueryBuilder<'a, Sqlite> {
    let mut page = select(COLUMNS, search, rows);
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(search.limit)
        .push(" OFFSET ")
        .push_bind(i64::try_from(search.skip).unwrap_or(i64::MAX));
    page
}

/// `SELECT {what}` of the sheets of `rows` the search's filters select, every value bound.
/// Only the conditions the search has are written, so the planner can use a filter's index.
fn select<'a>(what: &str, search: &'a SheetSearch, rows: Rows<'a>) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::new("SELECT ");
    query.push(what);
    match rows {
        Rows::All => {
            query.push(" FROM sheet_music WHERE TRUE");
        }
        Rows::Trigrams(string) => from_index(&mut query, "sheet_search", string),
        Rows::Grams(tokens) => from_index(&mut query, "sheet_grams", tokens),
        Rows::Walk(key) => {
            query
                .push(" FROM sheet_music WHERE (instr(title_key, ")
                .push_bind(key)
                .push(") > 0 OR instr(creator_key, ")
                .push_bind(key)
                .push(") > 0 OR instr(tags_key, ")
                .push_bind(key)
                .push(") > 0)");
        }
    }
    if let Some(category) = &search.category {
        query.push(" AND category = ").push_bind(category);
    }
    if let Some(difficulty) = search.difficulty {
        query
            .push(" AND difficulty = ")
            .push_bind(difficulty.as_str());
    }
    query
}

/// `FROM` the sheets the FTS5 table `index` finds for `matching`. CROSS JOIN makes the index
/// the outer loop: it yields the few matching sheets, which are then sorted, instead of
/// walking every sheet in date order.
fn from_index<'a>(query: &mut QueryBuilder<'a, Sqlite>, index: &'static str, matching: &'a str) {
    query
        .push(format!(
            " FROM {index} CROSS JOIN sheet_music
              ON sheet_music.search_id = {index}.rowid
              WHERE {index} MATCH "
        ))
        .push_bind(matching);
}

/// `text` as an FTS5 string: inside double quotes every character is itself, and a double
/// quote is written twice. The string is a phrase of the text's trigrams, which matches
/// exactly where the text occurs in a column.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The `sheet_grams` query of a short text and the search's filters: their tokens, all of
/// which a sheet must hold (FTS5 reads words side by side as AND).
fn gram_tokens(search: &SheetSearch) -> String {
    let mut tokens = token('g', &search.text_key);
    if let Some(category) = &search.category {
        tokens = format!("{tokens} {}", token('c', category));
    }
    if let Some(difficulty) = search.difficulty {
        tokens = format!("{tokens} {}", token('d', difficulty.as_str()));
    }
    tokens
}

/// A token of `sheet_grams`: `kind`, then `text`'s UTF-8 bytes in hex, as SQLite's `hex`
/// writes them in the index (the `ascii` tokenizer folds their case).
fn token(kind: char, text: &str) -> String {
    let hex: String = text.bytes().map(|byte| format!("{byte:02x}")).collect();
    format!("{kind}{hex}")
}

#[cfg(test)]
mod tests {
    use pianorhythm_core::domain::sheet_music::{
        Difficulty, NewSheet, Sheet, SheetFormat, SheetUpdate,
    };

    use sqlx::Row;

    use super::*;
    use crate::{ports::SheetMusicStore, sqlite::SqliteStore};

    fn sheet(title: &str) -> NewSheet {
        NewSheet {
            title: title.into(),
            creator_id: "u".into(),
            creator_name: "Someone".into(),
            tags: vec!["tag".into()],
            category: "classical".into(),
            difficulty: Difficulty::Beginner,
            format: SheetFormat::Midi,
            content: Vec::new(),
            timeline: None,
        }
    }

    async fn open() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::TempDir::new().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        (dir, store)
    }

    /// The contract checks what searches find; this checks the indexes are what finds it.
    #[tokio::test]
    async fn the_indexes_follow_every_write_and_serve_the_texts_they_can() {
        let (_dir, store) = open().await;
        let kept = store.create(sheet("Nocturne")).await.unwrap();
        let gone = store.create(sheet("Waltz")).await.unwrap();
        let title = SheetUpdate {
            title: Some("Ballade".into()),
            difficulty: Some(Difficulty::Expert),
            ..Default::default()
        };
        store.update(&kept.id, title).await.unwrap();
        store.record_download(&kept.id).await.unwrap();
        store.delete(&gone.id).await.unwrap();
        store.create(sheet("Waltz again")).await.unwrap();
        // An external-content index is checked against the table (or view) it indexes.
        for index in ["sheet_search", "sheet_grams"] {
            sqlx::query(&format!(
                "INSERT INTO {index} ({index}) VALUES ('integrity-check')"
            ))
            .execute(&store.pool)
            .await
            .unwrap();
        }

        let long = SheetSearch::new("lla", None, None, 0, 10).unwrap();
        let Text::Long(string) = Text::of(&long) else {
            panic!("3 characters are looked up by trigram");
        };
        let indexed = plan(&store, select("count(*)", &long, Rows::Trigrams(&string))).await;
        assert!(indexed.contains("sheet_search VIRTUAL TABLE"), "{indexed}");
        // Walking for a short text reads the keys from their date-ordered index.
        let short = SheetSearch::new("ll", None, None, 0, 10).unwrap();
        let walked = plan(&store, page(&short, Rows::Walk("ll"))).await;
        assert!(walked.contains("sheets_by_created_with_keys"), "{walked}");
        let found = store.search(&short).await.unwrap();
        assert_eq!(
            (found.total, found.sheets[0].title.as_str()),
            (1, "Ballade")
        );
    }

    /// How SQLite runs `query`, one line per step.
    async fn plan(store: &SqliteStore, query: QueryBuilder<'_, Sqlite>) -> String {
        // The bound values are NULL here, which changes no plan.
        let explain = format!("EXPLAIN QUERY PLAN {}", query.sql());
        let rows = sqlx::query(&explain).fetch_all(&store.pool).await.unwrap();
        let steps: Vec<String> = rows.iter().map(|row| row.get("detail")).collect();
        steps.join("; ")
    }

    /// A page of a short text is read through the index or by walking the sheets, depending
    /// on the total; both must give the same sheets, and the index the same total as `instr`.
    #[tokio::test]
    async fn both_ways_of_reading_short_texts_agree() {
        let (_dir, store) = open().await;
        let titles = [
            "Nocturne",
            "Waltz",
            "ab",
            "x",
            "Straße",
            "İstanbul",
            "100% _n",
            "\"q\"",
            "🎹 song",
        ];
        for (n, title) in titles.into_iter().enumerate() {
            let sheet = NewSheet {
                creator_name: ["Fred", "Éva"][n % 2].into(),
                tags: ["night", "one"][..n % 3]
                    .iter()
                    .map(|tag| tag.to_string())
                    .collect(),
                category: ["classical", "jazz"][n % 2].into(),
                difficulty: [Difficulty::Beginner, Difficulty::Expert][n % 3 % 2],
                ..sheet(title)
            };
            store.create(sheet).await.unwrap();
        }
        let texts = [
            "a", "x", "é", "ß", "ss", "%", "_", "\"", "🎹", "İ", "i", "n", "no", "ef", "tn", "eo",
        ];
        let filters = [
            (None, None),
            (Some("jazz"), None),
            (None, Some(Difficulty::Expert)),
            (Some("classical"), Some(Difficulty::Beginner)),
        ];
        for text in texts {
            for (category, difficulty) in filters {
                for skip in [0, 1] {
                    let search = SheetSearch::new(text, category, difficulty, skip, 2).unwrap();
                    let Text::Short { key, tokens } = Text::of(&search) else {
                        panic!("{text:?} is short");
                    };
                    let walked = read(&store, page(&search, Rows::Walk(key))).await;
                    let indexed = read(&store, page(&search, Rows::Grams(&tokens))).await;
                    assert_eq!(walked, indexed, "{search:?}");
                    let count: i64 = select("count(*)", &search, Rows::Walk(key))
                        .build_query_scalar()
                        .fetch_one(&store.pool)
                        .await
                        .unwrap();
                    let found = store.search(&search).await.unwrap();
                    assert_eq!((found.total, found.sheets), (count as u64, walked));
                }
            }
        }
    }

    async fn read(store: &SqliteStore, mut query: QueryBuilder<'_, Sqlite>) -> Vec<Sheet> {
        query
            .build()
            .try_map(|row: SqliteRow| sheet_from_row(&row))
            .fetch_all(&store.pool)
            .await
            .unwrap()
    }

    #[test]
    fn only_texts_long_enough_for_a_trigram_use_the_trigram_index() {
        let search = |text: &str| SheetSearch::new(text, None, None, 0, 10).unwrap();
        assert!(matches!(Text::of(&search("")), Text::Any));
        assert!(matches!(
            Text::of(&search("ab")),
            Text::Short { key: "ab", .. }
        ));
        // Characters, not bytes: "éé" is 4 bytes but has no trigram.
        assert!(matches!(
            Text::of(&search("éé")),
            Text::Short { key: "éé", .. }
        ));
        assert!(matches!(Text::of(&search("abc")), Text::Long(_)));
    }

    #[test]
    fn gram_tokens_are_hex_words_whatever_the_text() {
        let search = |text: &str, category, difficulty| {
            gram_tokens(&SheetSearch::new(text, category, difficulty, 0, 10).unwrap())
        };
        assert_eq!(search("A", None, None), "g61");
        assert_eq!(search("\"*", None, None), "g222a");
        assert_eq!(search("é", None, None), "gc3a9");
        assert_eq!(
            search("or", Some("Jazz"), Some(Difficulty::Expert)),
            "g6f72 c6a617a7a d657870657274"
        );
    }

    #[test]
    fn fts_strings_quote_every_double_quote() {
        assert_eq!(fts_string("abc"), "\"abc\"");
        assert_eq!(fts_string("a\"b"), "\"a\"\"b\"");
        assert_eq!(fts_string("\"\""), "\"\"\"\"\"\"");
        assert_eq!(fts_string("x* OR y NEAR(z)"), "\"x* OR y NEAR(z)\"");
    }
}
