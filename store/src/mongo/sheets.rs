//! Sheet music on MongoDB. Search's filter is in [`search`].

mod search;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{self, doc, spec::BinarySubtype, Binary, DateTime, Document},
    Collection,
};
use pianorhythm_core::domain::{
    match_key,
    sheet_music::{Difficulty, NewSheet, Sheet, SheetFormat, SheetPage, SheetSearch, SheetUpdate},
};
use serde::{Deserialize, Serialize};

use super::{corrupt, is_duplicate, unavailable, MongoStore};
use crate::{ids, now_millis, ports::SheetMusicStore, StoreError, StoreResult};

/// A sheet without its content, which is stored in the same document but read on its own.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SheetDocument {
    #[serde(rename = "_id")]
    id: String,
    title: String,
    title_lower: String,
    creator_id: String,
    creator_name: String,
    creator_name_lower: String,
    tags: Vec<String>,
    tags_lower: Vec<String>,
    category: String,
    difficulty: String,
    format: String,
    favorite_count: i64,
    download_count: i64,
    created_at: DateTime,
    updated_at: DateTime,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FavoriteDocument {
    user_id: String,
    sheet_id: String,
    created_at: DateTime,
}

#[derive(Deserialize)]
struct ContentDocument {
    content: Binary,
}

/// A sheet's timeline alone; absent on sheets stored before timelines were.
#[derive(Deserialize)]
struct TimelineDocument {
    /// The stored timeline, if it was ever computed.
    timeline: Option<Binary>,
}

/// Reads never fetch the content or the timeline, which are read on their own.
fn without_content() -> Document {
    doc! { "content": 0, "timeline": 0 }
}

fn binary(bytes: Vec<u8>) -> Binary {
    Binary {
        subtype: BinarySubtype::Generic,
        bytes,
    }
}

impl MongoStore {
    fn sheets(&self) -> Collection<SheetDocument> {
        self.database.collection("sheet_music")
    }

    fn favorites_collection(&self) -> Collection<FavoriteDocument> {
        self.database.collection("sheet_favorites")
    }

    async fn sheets_where(
        &self,
        filter: Document,
        search: Option<&SheetSearch>,
    ) -> StoreResult<Vec<Sheet>> {
        let sheets = self.sheets();
        let mut find = sheets
            .find(filter)
            .projection(without_content())
            .sort(doc! { "createdAt": -1, "_id": -1 });
        if let Some(search) = search {
            find = find.skip(search.skip).limit(i64::from(search.limit));
        }
        let documents: Vec<SheetDocument> = find
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents
            .into_iter()
            .map(SheetDocument::into_sheet)
            .collect()
    }

    /// Moves the sheet's favourite count by `delta`.
    async fn count_favorite(&self, sheet_id: &str, delta: i64) -> StoreResult<()> {
        self.sheets()
            .update_one(
                doc! { "_id": sheet_id },
                doc! { "$inc": { "favoriteCount": delta } },
            )
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl SheetMusicStore for MongoStore {
    async fn create(&self, sheet: NewSheet) -> StoreResult<Sheet> {
        let sheet = sheet.validated()?;
        let now = DateTime::from_millis(now_millis());
        let document = SheetDocument {
            id: ids::new_id(),
            title_lower: match_key(&sheet.title),
            title: sheet.title,
            creator_id: sheet.creator_id,
            creator_name_lower: match_key(&sheet.creator_name),
            creator_name: sheet.creator_name,
            tags_lower: sheet.tags.iter().map(|tag| match_key(tag)).collect(),
            tags: sheet.tags,
            category: sheet.category,
            difficulty: sheet.difficulty.as_str().to_owned(),
            format: sheet.format.as_str().to_owned(),
            favorite_count: 0,
            download_count: 0,
            created_at: now,
            updated_at: now,
        };
        let mut stored = bson::to_document(&document)
            .map_err(|error| StoreError::Unavailable(error.to_string()))?;
        stored.insert("content", binary(sheet.content));
        if let Some(timeline) = sheet.timeline {
            stored.insert("timeline", binary(timeline));
        }
        self.database
            .collection::<Document>("sheet_music")
            .insert_one(stored)
            .await
            .map_err(unavailable)?;
        document.into_sheet()
    }

    async fn get(&self, id: &str) -> StoreResult<Sheet> {
        self.sheets()
            .find_one(doc! { "_id": id })
            .projection(without_content())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))?
            .into_sheet()
    }

    async fn content(&self, id: &str) -> StoreResult<Vec<u8>> {
        let found = self
            .database
            .collection::<ContentDocument>("sheet_music")
            .find_one(doc! { "_id": id })
            .projection(doc! { "content": 1 })
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))?;
        Ok(found.content.bytes)
    }

    async fn timeline(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        let found = self
            .database
            .collection::<TimelineDocument>("sheet_music")
            .find_one(doc! { "_id": id })
            .projection(doc! { "timeline": 1 })
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))?;
        Ok(found.timeline.map(|timeline| timeline.bytes))
    }

    async fn set_timeline(&self, id: &str, timeline: Vec<u8>) -> StoreResult<()> {
        let updated = self
            .sheets()
            .update_one(
                doc! { "_id": id },
                doc! { "$set": { "timeline": binary(timeline) } },
            )
            .await
            .map_err(unavailable)?;
        if updated.matched_count == 0 {
            return Err(StoreError::NotFound("sheet"));
        }
        Ok(())
    }

    async fn search(&self, search: &SheetSearch) -> StoreResult<SheetPage> {
        let filter = search::filter(search);
        let total = self
            .sheets()
            .count_documents(filter.clone())
            .await
            .map_err(unavailable)?;
        let sheets = self.sheets_where(filter, Some(search)).await?;
        Ok(SheetPage { sheets, total })
    }

    async fn record_download(&self, id: &str) -> StoreResult<u64> {
        // `$inc` is applied by the server, so concurrent downloads are all counted.
        let updated = self
            .sheets()
            .find_one_and_update(doc! { "_id": id }, doc! { "$inc": { "downloadCount": 1 } })
            .projection(without_content())
            .return_document(mongodb::options::ReturnDocument::After)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))?;
        Ok(updated.download_count as u64)
    }

    /// The favourite is a document of its own (unique per user and sheet), then the count is
    /// incremented with `$inc`. The two writes are not one transaction (a standalone MongoDB
    /// has none), so a crash between them can leave the count one short of the documents.
    async fn add_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool> {
        self.get(sheet_id).await?;
        let favorite = FavoriteDocument {
            user_id: user_id.to_owned(),
            sheet_id: sheet_id.to_owned(),
            created_at: DateTime::from_millis(now_millis()),
        };
        match self.favorites_collection().insert_one(favorite).await {
            Ok(_) => {}
            Err(error) if is_duplicate(&error) => return Ok(false),
            Err(error) => return Err(unavailable(error)),
        }
        self.count_favorite(sheet_id, 1).await?;
        Ok(true)
    }

    async fn remove_favorite(&self, user_id: &str, sheet_id: &str) -> StoreResult<bool> {
        self.get(sheet_id).await?;
        let deleted = self
            .favorites_collection()
            .delete_one(doc! { "userId": user_id, "sheetId": sheet_id })
            .await
            .map_err(unavailable)?;
        if deleted.deleted_count == 0 {
            return Ok(false);
        }
        self.count_favorite(sheet_id, -1).await?;
        Ok(true)
    }

    async fn favorites(&self, user_id: &str) -> StoreResult<Vec<Sheet>> {
        let favorites: Vec<FavoriteDocument> = self
            .favorites_collection()
            .find(doc! { "userId": user_id })
            .sort(doc! { "createdAt": -1, "sheetId": -1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        let ids: Vec<&str> = favorites
            .iter()
            .map(|favorite| favorite.sheet_id.as_str())
            .collect();
        let mut sheets = self
            .sheets_where(doc! { "_id": { "$in": &ids } }, None)
            .await?;
        // Back into the order they were favourited in.
        sheets.sort_by_key(|sheet| ids.iter().position(|id| *id == sheet.id));
        Ok(sheets)
    }

    async fn update(&self, id: &str, update: SheetUpdate) -> StoreResult<Sheet> {
        let update = update.validated()?;
        // Only the named fields, each text with its lower-cased copy, in one atomic update.
        let mut set = doc! { "updatedAt": DateTime::from_millis(now_millis()) };
        if let Some(title) = update.title {
            set.insert("titleLower", match_key(&title));
            set.insert("title", title);
        }
        if let Some(tags) = update.tags {
            let lower: Vec<String> = tags.iter().map(|tag| match_key(tag)).collect();
            set.insert("tagsLower", lower);
            set.insert("tags", tags);
        }
        if let Some(category) = update.category {
            set.insert("category", category);
        }
        if let Some(difficulty) = update.difficulty {
            set.insert("difficulty", difficulty.as_str());
        }
        self.sheets()
            .find_one_and_update(doc! { "_id": id }, doc! { "$set": set })
            .projection(without_content())
            .return_document(mongodb::options::ReturnDocument::After)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("sheet"))?
            .into_sheet()
    }

    /// The sheet (with its content) first, then its favourites: `favorites` lists only sheets
    /// that exist, so a crash between the two writes, or a favourite added meanwhile, leaves
    /// nothing anyone sees, and deleting again (not an error) clears what is left.
    async fn delete(&self, id: &str) -> StoreResult<()> {
        self.sheets()
            .delete_one(doc! { "_id": id })
            .await
            .map_err(unavailable)?;
        self.favorites_collection()
            .delete_many(doc! { "sheetId": id })
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl SheetDocument {
    fn into_sheet(self) -> StoreResult<Sheet> {
        Ok(Sheet {
            difficulty: Difficulty::parse(&self.difficulty)
                .ok_or_else(|| corrupt("difficulty", &self.difficulty))?,
            format: SheetFormat::parse(&self.format)
                .ok_or_else(|| corrupt("format", &self.format))?,
            id: self.id,
            title: self.title,
            creator_id: self.creator_id,
            creator_name: self.creator_name,
            tags: self.tags,
            category: self.category,
            favorite_count: self.favorite_count.max(0) as u64,
            download_count: self.download_count.max(0) as u64,
            created_at: self.created_at.timestamp_millis(),
        })
    }
}
