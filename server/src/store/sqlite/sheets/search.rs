//! Sheet music search on SQLite: the seed's rules (see [`SheetSearch`]), served by the trigram
//! index (`sheet_search`, migration 0003) whenever the text is long enough for it.
//!
//! A text of 3 or more characters is looked up in the index as one FTS5 string, which is a
//! literal substring match inside one column: FTS5 gives no character in a string a meaning
//! but `"`, which is doubled. Shorter texts have no trigram to look up, so they are matched
//! with `instr` (no pattern syntax at all) on every sheet, as before the index. Either way the
//! index holds the same lower-cased keys `instr` reads, so both find exactly the same sheets.

use pianorhythm_core::domain::sheet_music::{SheetPage, SheetSearch};
use sqlx::{sqlite::SqliteRow, QueryBuilder, Sqlite, SqlitePool};

use super::{sheet_from_row, COLUMNS};
use crate::store::{sqlite::unavailable, StoreResult};

/// The trigram tokenizer indexes every run of 3 characters; nothing shorter can be looked up.
const MIN_INDEXED_CHARS: usize = 3;

/// How the search text selects sheets.
enum Text<'a> {
    /// No text: every sheet.
    Any,
    /// Through the trigram index, with the text as an FTS5 string.
    Indexed(String),
    /// Too short for the index: this key found with `instr` in every sheet's keys.
    Scanned(&'a str),
}

impl<'a> Text<'a> {
    fn of(text_key: &'a str) -> Self {
        match text_key.chars().count() {
            0 => Self::Any,
            n if n < MIN_INDEXED_CHARS => Self::Scanned(text_key),
            _ => Self::Indexed(fts_string(text_key)),
        }
    }
}

/// The page and the exact total, read in one transaction so both see the same sheets.
pub(super) async fn search(pool: &SqlitePool, search: &SheetSearch) -> StoreResult<SheetPage> {
    let mut transaction = pool.begin().await.map_err(unavailable)?;
    let total: i64 = select("count(*)", search)
        .build_query_scalar()
        .fetch_one(&mut *transaction)
        .await
        .map_err(unavailable)?;
    let mut page = select(COLUMNS, search);
    page.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .push_bind(search.limit)
        .push(" OFFSET ")
        .push_bind(i64::try_from(search.skip).unwrap_or(i64::MAX));
    let sheets = page
        .build()
        .try_map(|row: SqliteRow| sheet_from_row(&row))
        .fetch_all(&mut *transaction)
        .await
        .map_err(unavailable)?;
    transaction.commit().await.map_err(unavailable)?;
    Ok(SheetPage {
        sheets,
        total: total as u64,
    })
}

/// `SELECT {what}` of the sheets the search selects, every value of it bound. Only the
/// conditions the search has are written, so the planner can use the index of a filter.
fn select<'a>(what: &str, search: &'a SheetSearch) -> QueryBuilder<'a, Sqlite> {
    let mut query = QueryBuilder::new("SELECT ");
    query.push(what);
    match Text::of(&search.text_key) {
        Text::Any => {
            query.push(" FROM sheet_music WHERE TRUE");
        }
        Text::Indexed(string) => {
            // CROSS JOIN makes the index the outer loop: it yields the few matching sheets,
            // which are then sorted, instead of walking every sheet in date order.
            query
                .push(
                    " FROM sheet_search CROSS JOIN sheet_music
                      ON sheet_music.search_id = sheet_search.rowid
                      WHERE sheet_search MATCH ",
                )
                .push_bind(string);
        }
        Text::Scanned(key) => {
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

/// `text` as an FTS5 string: inside double quotes every character is itself, and a double
/// quote is written twice. The string is a phrase of the text's trigrams, which matches
/// exactly where the text occurs in a column.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use pianorhythm_core::domain::sheet_music::{Difficulty, NewSheet, SheetFormat, SheetUpdate};

    use sqlx::Row;

    use super::*;
    use crate::store::{ports::SheetMusicStore, sqlite::SqliteStore};

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
        }
    }

    /// The contract checks what searches find; this checks the index is what finds it.
    #[tokio::test]
    async fn the_index_follows_every_write_and_serves_texts_of_three_characters() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let kept = store.create(sheet("Nocturne")).await.unwrap();
        let gone = store.create(sheet("Waltz")).await.unwrap();
        let title = SheetUpdate {
            title: Some("Ballade".into()),
            ..Default::default()
        };
        store.update(&kept.id, title).await.unwrap();
        store.record_download(&kept.id).await.unwrap();
        store.delete(&gone.id).await.unwrap();
        store.create(sheet("Waltz again")).await.unwrap();
        // An external-content index is checked against the table it indexes.
        sqlx::query("INSERT INTO sheet_search (sheet_search) VALUES ('integrity-check')")
            .execute(&store.pool)
            .await
            .unwrap();

        assert!(plan(&store, "lla")
            .await
            .contains("sheet_search VIRTUAL TABLE"));
        assert!(!plan(&store, "ll").await.contains("sheet_search"));
    }

    /// How SQLite runs the search's count, one line per step.
    async fn plan(store: &SqliteStore, text: &str) -> String {
        let search = SheetSearch::new(text, None, None, 0, 10).unwrap();
        let explain = format!("EXPLAIN QUERY PLAN {}", select("count(*)", &search).sql());
        let mut query = sqlx::query(&explain);
        // Only the values the plan depends on: the others are NULL, which changes no plan.
        if let Text::Indexed(string) = Text::of(&search.text_key) {
            query = query.bind(string);
        }
        let rows = query.fetch_all(&store.pool).await.unwrap();
        let steps: Vec<String> = rows.iter().map(|row| row.get("detail")).collect();
        steps.join("; ")
    }

    #[test]
    fn only_texts_long_enough_for_a_trigram_use_the_index() {
        assert!(matches!(Text::of(""), Text::Any));
        assert!(matches!(Text::of("ab"), Text::Scanned("ab")));
        // Characters, not bytes: "éé" is 4 bytes but has no trigram.
        assert!(matches!(Text::of("éé"), Text::Scanned("éé")));
        assert!(matches!(Text::of("abc"), Text::Indexed(_)));
    }

    #[test]
    fn fts_strings_quote_every_double_quote() {
        assert_eq!(fts_string("abc"), "\"abc\"");
        assert_eq!(fts_string("a\"b"), "\"a\"\"b\"");
        assert_eq!(fts_string("\"\""), "\"\"\"\"\"\"");
        assert_eq!(fts_string("x* OR y NEAR(z)"), "\"x* OR y NEAR(z)\"");
    }
}
