//! Sheet music on SQLite. Search is in [`search`]; the index it uses is kept in step with the
//! sheets by triggers (migration 0003), so the writes here know nothing of it.

mod search;

use async_trait::async_trait;
use pianorhythm_core::domain::{
    match_key,
    sheet_music::{
        tags_key, Difficulty, NewSheet, Sheet, SheetFormat, SheetPage, SheetSearch, SheetUpdate,
    },
};
use sqlx::{
    query::Query,
    sqlite::{SqliteArguments, SqliteRow},
    QueryBuilder, Row, Sqlite,
};

use super::{corrupt, unavailable, SqliteStore};
use crate::{ids, now_millis, ports::SheetMusicStore, StoreError, StoreResult};

/// Everything but the content and the timeline, which only `content` and `timeline` read.
const COLUMNS: &str = "id, title, creator_id, creator_name, tags, category, difficulty, format,
    favorite_count, download_count, created_at";

#[async_trait]
impl SheetMusicStore for SqliteStore {
    async fn create(&self, sheet: NewSheet) -> StoreResult<Sheet> {
        let sheet = sheet.validated()?;
        let now = now_millis();
        sqlx::query(&format!(
            "INSERT INTO sheet_music (id, title, title_key, creator_id, creator_name, creator_key,
                tags, tags_key, category, difficulty, format, content, timeline, created_at,
                updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {COLUMNS}"
        ))
        .bind(ids::new_id())
        .bind(&sheet.title)
        .bind(match_key(&sheet.title))
        .bind(&sheet.creator_id)
        .bind(&sheet.creator_name)
        .bind(match_key(&sheet.creator_name))
        .bind(sheet.tags.join("\n"))
        .bind(tags_key(&sheet.tags))
        .bind(&sheet.category)
        .bind(sheet.difficulty.as_str())
        .bind(sheet.format.as_str())
        .bind(&sheet.content)
        .bind(&sheet.timeline)
        .bind(now)
        .bind(now)
        .try_map(|row: SqliteRow| sheet_from_row(&row))
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn get(&self, id: &str) -> StoreResult<Sheet> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM sheet_music WHERE id = ?"))
            .bind(id)
            .try_map(|row: SqliteRow| sheet_from_row(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))
    }

    async fn content(&self, id: &str) -> StoreResult<Vec<u8>> {
        sqlx::query_scalar("SELECT content FROM sheet_music WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))
    }

    async fn timeline(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        sqlx::query_scalar("SELECT timeline FROM sheet_music WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))
    }

    async fn set_timeline(&self, id: &str, timeline: Vec<u8>) -> StoreResult<()> {
        let updated = sqlx::query("UPDATE sheet_music SET timeline = ? WHERE id = ?")
            .bind(timeline)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("sheet"));
        }
        Ok(())
    }

    async fn search(&self, search: &SheetSearch) -> StoreResult<SheetPage> {
        search::search(&self.pool, search).await
    }

    async fn record_download(&self, id: &str) -> StoreResult<u64> {
        // Incremented by the database, so concurrent downloads are all counted.
        let count: Option<i64> = sqlx::query_scalar(
            "UPDATE sheet_music SET download_count = download_count + 1 WHERE id = ?
             RETURNING download_count",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        count
            .map(|count| count as u64)
            .ok_or(StoreError::NotFound("sheet"))
    }

    async fn add_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool> {
        let insert = sqlx::query(
            "INSERT INTO sheet_favorites (user_id, sheet_id, created_at) VALUES (?, ?, ?)
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(sheet_id)
        .bind(now_millis());
        self.change_favorite(insert, 1, sheet_id).await
    }

    async fn remove_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool> {
        let delete = sqlx::query("DELETE FROM sheet_favorites WHERE user_id = ? AND sheet_id = ?")
            .bind(user_id)
            .bind(sheet_id);
        self.change_favorite(delete, -1, sheet_id).await
    }

    async fn favorites(&self, user_id: &str) -> StoreResult<Vec<Sheet>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM sheet_music JOIN (
                SELECT sheet_id, created_at AS favorited_at FROM sheet_favorites WHERE user_id = ?
             ) ON sheet_id = id
             ORDER BY favorited_at DESC, id DESC"
        ))
        .bind(user_id)
        .try_map(|row: SqliteRow| sheet_from_row(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn update(&self, id: &str, update: SheetUpdate) -> StoreResult<Sheet> {
        let update = update.validated()?;
        // One UPDATE naming only the changed columns: atomic, and a concurrent change to other
        // fields is not overwritten with stale values. Each text is written with its key.
        let mut query = QueryBuilder::<Sqlite>::new("UPDATE sheet_music SET updated_at = ");
        query.push_bind(now_millis());
        if let Some(title) = update.title {
            query.push(", title_key = ").push_bind(match_key(&title));
            query.push(", title = ").push_bind(title);
        }
        if let Some(tags) = update.tags {
            query.push(", tags_key = ").push_bind(tags_key(&tags));
            query.push(", tags = ").push_bind(tags.join("\n"));
        }
        if let Some(category) = update.category {
            query.push(", category = ").push_bind(category);
        }
        if let Some(difficulty) = update.difficulty {
            query.push(", difficulty = ").push_bind(difficulty.as_str());
        }
        query
            .push(" WHERE id = ")
            .push_bind(id)
            .push(" RETURNING ")
            .push(COLUMNS);
        query
            .build()
            .try_map(|row: SqliteRow| sheet_from_row(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))
    }

    async fn delete(&self, id: &str) -> StoreResult<()> {
        // One statement: the favourites go with the sheet (ON DELETE CASCADE) and its index
        // entry by trigger, all in its transaction.
        sqlx::query("DELETE FROM sheet_music WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl SqliteStore {
    /// Runs `change` on the favourites and, if it changed a row, moves the sheet's favourite
    /// count by `delta`, in one transaction: the count always equals the rows.
    async fn change_favorite<'q>(
        &self,
        change: Query<'q, Sqlite, SqliteArguments<'q>>,
        delta: i64,
        sheet_id: &str,
    ) -> StoreResult<bool> {
        let mut transaction = self.pool.begin().await.map_err(unavailable)?;
        // Write first: the transaction takes the write lock at once, so concurrent changes
        // queue up instead of failing on a stale snapshot.
        let changed = change
            .execute(&mut *transaction)
            .await
            .map_err(|error| match &error {
                sqlx::Error::Database(database) if database.is_foreign_key_violation() => {
                    StoreError::NotFound("sheet")
                }
                _ => unavailable(error),
            })?
            .rows_affected()
            > 0;
        let sheet_exists =
            sqlx::query("UPDATE sheet_music SET favorite_count = favorite_count + ? WHERE id = ?")
                .bind(if changed { delta } else { 0 })
                .bind(sheet_id)
                .execute(&mut *transaction)
                .await
                .map_err(unavailable)?
                .rows_affected()
                > 0;
        if !sheet_exists {
            return Err(StoreError::NotFound("sheet"));
        }
        transaction.commit().await.map_err(unavailable)?;
        Ok(changed)
    }
}

fn sheet_from_row(row: &SqliteRow) -> Result<Sheet, sqlx::Error> {
    let tags: String = row.try_get("tags")?;
    let difficulty: String = row.try_get("difficulty")?;
    let format: String = row.try_get("format")?;
    let favorite_count: i64 = row.try_get("favorite_count")?;
    let download_count: i64 = row.try_get("download_count")?;
    Ok(Sheet {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        creator_id: row.try_get("creator_id")?,
        creator_name: row.try_get("creator_name")?,
        tags: tags
            .split('\n')
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .collect(),
        category: row.try_get("category")?,
        difficulty: Difficulty::parse(&difficulty)
            .ok_or_else(|| corrupt("difficulty", &difficulty))?,
        format: SheetFormat::parse(&format).ok_or_else(|| corrupt("format", &format))?,
        favorite_count: favorite_count as u64,
        download_count: download_count as u64,
        created_at: row.try_get("created_at")?,
    })
}
