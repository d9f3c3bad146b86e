use async_trait::async_trait;
use pianorhythm_core::{
    domain::{
        match_key,
        room::{RoomBan, StoredRoom},
        room_settings::RoomSettings,
    },
    protocol::PlayPermission,
};
use sqlx::{sqlite::SqliteRow, Row};

use super::{corrupt, unavailable, SqliteStore};
use crate::{ports::RoomStore, StoreError, StoreResult};

#[async_trait]
impl RoomStore for SqliteStore {
    async fn save(&self, room: &StoredRoom) -> StoreResult<()> {
        let settings = &room.settings;
        // The room and its bans change together or not at all.
        let mut transaction = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO rooms (id, name, name_key, type, password, max_players, who_can_play,
                chat_enabled, welcome_message, note_rate, owner_id, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key,
                type = excluded.type, password = excluded.password,
                max_players = excluded.max_players, who_can_play = excluded.who_can_play,
                chat_enabled = excluded.chat_enabled, welcome_message = excluded.welcome_message,
                note_rate = excluded.note_rate, owner_id = excluded.owner_id,
                updated_at = excluded.updated_at",
        )
        .bind(&room.id)
        .bind(&settings.name)
        .bind(room.name_key())
        .bind(room.room_type().as_str())
        .bind(&settings.password)
        .bind(settings.max_players)
        .bind(settings.who_can_play as i32)
        .bind(settings.chat_enabled)
        .bind(&settings.welcome_message)
        .bind(settings.note_rate)
        .bind(&room.owner_id)
        .bind(room.created_at)
        .bind(room.updated_at)
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        sqlx::query("DELETE FROM room_bans WHERE room_id = ?")
            .bind(&room.id)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        for (position, ban) in room.bans.iter().enumerate() {
            sqlx::query(
                "INSERT INTO room_bans (room_id, participant_id, address, browser, until_ms, position)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&room.id)
            .bind(&ban.participant_id)
            .bind(ban.address.map(|address| address.to_string()))
            .bind(&ban.browser)
            .bind(ban.until_ms)
            .bind(position as i64)
            .execute(&mut *transaction)
            .await
            .map_err(unavailable)?;
        }
        transaction.commit().await.map_err(unavailable)
    }

    async fn get(&self, id: &str) -> StoreResult<StoredRoom> {
        self.rooms_where(Some(("id", id)))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("room"))
    }

    async fn by_name(&self, name: &str) -> StoreResult<StoredRoom> {
        self.rooms_where(Some(("name_key", &match_key(name))))
            .await?
            .pop()
            .ok_or(StoreError::NotFound("room"))
    }

    async fn list(&self) -> StoreResult<Vec<StoredRoom>> {
        self.rooms_where(None).await
    }

    async fn delete(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM rooms WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl SqliteStore {
    /// Rooms (with their bans), oldest first: all, or those whose `column` (a fixed name,
    /// never input) equals the value.
    async fn rooms_where(
        &self,
        filter: Option<(&'static str, &str)>,
    ) -> StoreResult<Vec<StoredRoom>> {
        let sql = match filter {
            Some((column, _)) => {
                format!("SELECT * FROM rooms WHERE {column} = ? ORDER BY created_at")
            }
            None => "SELECT * FROM rooms ORDER BY created_at".to_owned(),
        };
        let mut query = sqlx::query(&sql);
        if let Some((_, value)) = filter {
            query = query.bind(value);
        }
        let mut rooms = query
            .try_map(|row: SqliteRow| room_from_row(&row))
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        for room in &mut rooms {
            room.bans = sqlx::query(
                "SELECT participant_id, address, browser, until_ms FROM room_bans
                 WHERE room_id = ? ORDER BY position",
            )
            .bind(&room.id)
            .try_map(|row: SqliteRow| {
                let address: Option<String> = row.try_get("address")?;
                Ok(RoomBan {
                    participant_id: row.try_get("participant_id")?,
                    address: address.as_deref().and_then(|text| text.parse().ok()),
                    browser: row.try_get("browser")?,
                    until_ms: row.try_get("until_ms")?,
                })
            })
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        }
        Ok(rooms)
    }
}

fn room_from_row(row: &SqliteRow) -> Result<StoredRoom, sqlx::Error> {
    let who_can_play: i32 = row.try_get("who_can_play")?;
    let room_type: String = row.try_get("type")?;
    Ok(StoredRoom {
        id: row.try_get("id")?,
        settings: RoomSettings {
            name: row.try_get("name")?,
            private: room_type == "private",
            password: row.try_get("password")?,
            max_players: row.try_get("max_players")?,
            who_can_play: PlayPermission::try_from(who_can_play)
                .map_err(|_| corrupt("play permission", &who_can_play.to_string()))?,
            chat_enabled: row.try_get("chat_enabled")?,
            welcome_message: row.try_get("welcome_message")?,
            note_rate: row.try_get("note_rate")?,
        },
        owner_id: row.try_get("owner_id")?,
        bans: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
