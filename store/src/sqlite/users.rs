use async_trait::async_trait;
use pianorhythm_core::{
    domain::{
        auth::Login,
        match_key,
        user::{usertag_key, NewUser, ProfileUpdate, Role, User, UserSettings},
    },
    protocol::Instrument,
};
use sqlx::{sqlite::SqliteRow, Executor, QueryBuilder, Row, Sqlite};

use super::{conflict_on, corrupt, unavailable, SqliteStore};
use crate::{ids, now_millis, ports::UserStore, StoreError, StoreResult};

const UNIQUE_FIELDS: &[(&str, &str)] =
    &[("users.usertag_key", "usertag"), ("users.email", "email")];

#[async_trait]
impl UserStore for SqliteStore {
    async fn create(&self, user: NewUser) -> StoreResult<User> {
        insert_user(&self.pool, user.validated()?).await
    }

    async fn get(&self, id: &str) -> StoreResult<User> {
        self.user_where("id", id).await
    }

    async fn by_usertag(&self, usertag: &str) -> StoreResult<User> {
        self.user_where("usertag_key", &usertag_key(usertag)).await
    }

    async fn by_email(&self, email: &str) -> StoreResult<User> {
        self.user_where("email", &match_key(email)).await
    }

    async fn update(&self, id: &str, update: ProfileUpdate) -> StoreResult<User> {
        let update = update.validated()?;
        // One UPDATE naming only the changed columns: atomic, and concurrent changes to other
        // fields are not overwritten with stale values.
        let mut query = QueryBuilder::<Sqlite>::new("UPDATE users SET updated_at = ");
        query.push_bind(now_millis());
        if let Some(username) = update.username {
            query.push(", username = ").push_bind(username);
        }
        if let Some(usertag) = update.usertag {
            query
                .push(", usertag_key = ")
                .push_bind(usertag_key(&usertag));
            query.push(", usertag = ").push_bind(usertag);
        }
        if let Some(email) = update.email {
            query.push(", email = ").push_bind(email);
        }
        if let Some(roles) = update.roles {
            query.push(", roles = ").push_bind(roles_text(&roles));
        }
        if let Some(color) = update.color {
            query.push(", color = ").push_bind(color);
        }
        if let Some(avatar_url) = update.avatar_url {
            query.push(", avatar_url = ").push_bind(avatar_url);
        }
        if let Some(bio) = update.bio {
            query.push(", bio = ").push_bind(bio);
        }
        if let Some(location) = update.location {
            query.push(", location = ").push_bind(location);
        }
        if let Some(banned_until) = update.banned_until {
            query.push(", banned_until = ").push_bind(banned_until);
        }
        if update.end_tokens {
            query.push(", token_version = token_version + 1");
        }
        if let Some(settings) = update.settings {
            query.push(", theme = ").push_bind(settings.theme);
            query
                .push(", notifications = ")
                .push_bind(settings.notifications);
            query.push(", privacy = ").push_bind(settings.privacy);
        }
        if let Some(instrument) = update.instrument {
            let (bank, program, name) = match instrument {
                Some(chosen) => (Some(chosen.bank), Some(chosen.program), Some(chosen.name)),
                None => (None, None, None),
            };
            query.push(", instrument_bank = ").push_bind(bank);
            query.push(", instrument_program = ").push_bind(program);
            query.push(", instrument_name = ").push_bind(name);
        }
        query
            .push(" WHERE id = ")
            .push_bind(id)
            .push(" RETURNING *");
        query
            .build()
            .try_map(|row: SqliteRow| user_from_row(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(|error| conflict_on(error, UNIQUE_FIELDS))?
            .ok_or(StoreError::NotFound("user"))
    }

    async fn create_with_login(&self, user: NewUser, login: &Login) -> StoreResult<User> {
        let user = user.validated()?;
        // One transaction: a taken login rolls the new account back with it.
        let mut transaction = self.pool.begin().await.map_err(unavailable)?;
        let user = insert_user(&mut *transaction, user).await?;
        sqlx::query("INSERT INTO logins (provider, subject, user_id) VALUES (?, ?, ?)")
            .bind(&login.provider)
            .bind(&login.subject)
            .bind(&user.id)
            .execute(&mut *transaction)
            .await
            .map_err(|error| conflict_on(error, &[("logins.provider", "login")]))?;
        transaction.commit().await.map_err(unavailable)?;
        Ok(user)
    }

    async fn by_login(&self, login: &Login) -> StoreResult<User> {
        sqlx::query(
            "SELECT users.* FROM logins JOIN users ON users.id = logins.user_id
             WHERE logins.provider = ? AND logins.subject = ?",
        )
        .bind(&login.provider)
        .bind(&login.subject)
        .try_map(|row: SqliteRow| user_from_row(&row))
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound("user"))
    }
}

/// Inserts a new (validated) account with the defaults, alone or inside a transaction.
async fn insert_user<'c>(
    executor: impl Executor<'c, Database = Sqlite>,
    user: NewUser,
) -> StoreResult<User> {
    let now = now_millis();
    let settings = UserSettings::default();
    sqlx::query(
        "INSERT INTO users (id, username, usertag, usertag_key, email, roles, color,
            theme, notifications, privacy, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
    )
    .bind(ids::new_id())
    .bind(&user.username)
    .bind(&user.usertag)
    .bind(usertag_key(&user.usertag))
    .bind(&user.email)
    .bind(Role::Member.as_str())
    .bind(&user.color)
    .bind(&settings.theme)
    .bind(settings.notifications)
    .bind(&settings.privacy)
    .bind(now)
    .bind(now)
    .try_map(|row: SqliteRow| user_from_row(&row))
    .fetch_one(executor)
    .await
    .map_err(|error| conflict_on(error, UNIQUE_FIELDS))
}

impl SqliteStore {
    /// The user whose `column` (a fixed name, never input) equals `value`.
    async fn user_where(&self, column: &'static str, value: &str) -> StoreResult<User> {
        sqlx::query(&format!("SELECT * FROM users WHERE {column} = ?"))
            .bind(value)
            .try_map(|row: SqliteRow| user_from_row(&row))
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("user"))
    }
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| role.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The kept instrument; one that could not be a preset (a column missing, a number out of
/// range) is no instrument: the account still loads, on the piano.
fn instrument_from_row(row: &SqliteRow) -> Result<Option<Instrument>, sqlx::Error> {
    let bank: Option<i64> = row.try_get("instrument_bank")?;
    let program: Option<i64> = row.try_get("instrument_program")?;
    let name: Option<String> = row.try_get("instrument_name")?;
    Ok(match (bank, program, name) {
        (Some(bank), Some(program), Some(name)) => {
            match (u32::try_from(bank), u32::try_from(program)) {
                (Ok(bank), Ok(program)) => Some(Instrument {
                    bank,
                    program,
                    name,
                }),
                _ => None,
            }
        }
        _ => None,
    })
}

pub(super) fn user_from_row(row: &SqliteRow) -> Result<User, sqlx::Error> {
    let roles: String = row.try_get("roles")?;
    let roles = roles
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| Role::parse(name).ok_or_else(|| corrupt("role", name)))
        .collect::<Result<_, _>>()?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        usertag: row.try_get("usertag")?,
        email: row.try_get("email")?,
        roles,
        color: row.try_get("color")?,
        avatar_url: row.try_get("avatar_url")?,
        bio: row.try_get("bio")?,
        location: row.try_get("location")?,
        settings: UserSettings {
            theme: row.try_get("theme")?,
            notifications: row.try_get("notifications")?,
            privacy: row.try_get("privacy")?,
            instrument: instrument_from_row(row)?,
        },
        banned_until: row.try_get("banned_until")?,
        token_version: {
            let version: i64 = row.try_get("token_version")?;
            u64::try_from(version).map_err(|_| corrupt("token version", &version.to_string()))?
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
