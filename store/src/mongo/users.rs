use async_trait::async_trait;
use mongodb::{
    bson::{self, doc, Bson, DateTime, Document},
    Collection,
};
use pianorhythm_core::{
    domain::{
        auth::Login,
        match_key,
        user::{usertag_key, NewUser, ProfileUpdate, Role, User, UserSettings},
    },
    protocol::Instrument,
};
use serde::{Deserialize, Serialize};

use super::{conflict_on, corrupt, unavailable, MongoStore};
use crate::{ids, now_millis, ports::UserStore, StoreError, StoreResult};

const UNIQUE_FIELDS: &[(&str, &str)] = &[
    ("usertag", "usertag"),
    ("email", "email"),
    ("logins", "login"),
];

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserDocument {
    #[serde(rename = "_id")]
    id: String,
    username: String,
    usertag: String,
    usertag_lower: String,
    /// Absent (not null) when there is none, so the partial unique index ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    roles: Vec<String>,
    color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    /// Shown on the public profile; absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    settings: SettingsDocument,
    /// The end of a site ban; absent when the account is not banned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    banned_until: Option<DateTime>,
    /// Access tokens carry it; bumped to end them all. Absent on accounts stored before it: 0.
    #[serde(default)]
    token_version: i64,
    /// The provider logins (`Login::key`) that sign in to this account. In the document itself
    /// so creating an account with its login is one atomic insert; a unique index keeps each
    /// login on one account. Absent when there is none, so that index ignores the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    logins: Vec<String>,
    created_at: DateTime,
    updated_at: DateTime,
}

#[derive(Serialize, Deserialize)]
struct SettingsDocument {
    theme: String,
    notifications: bool,
    privacy: String,
    /// The instrument last chosen at the piano; absent for the piano. Read as any value, so
    /// one that is not an [`InstrumentDocument`] is ignored rather than failing the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instrument: Option<Bson>,
}

/// A kept instrument as stored.
#[derive(Deserialize)]
struct InstrumentDocument {
    /// 0-128.
    bank: i64,
    /// 0-127.
    program: i64,
    /// The preset's name as the player's SoundFont gave it.
    name: String,
}

impl InstrumentDocument {
    fn stored(instrument: Instrument) -> Bson {
        Bson::Document(doc! {
            "bank": i64::from(instrument.bank),
            "program": i64::from(instrument.program),
            "name": instrument.name,
        })
    }

    /// The instrument `stored` holds, if it holds one that could be a preset.
    fn read(stored: Bson) -> Option<Instrument> {
        let document: Self = bson::from_bson(stored).ok()?;
        Some(Instrument {
            bank: u32::try_from(document.bank).ok()?,
            program: u32::try_from(document.program).ok()?,
            name: document.name,
        })
    }
}

impl MongoStore {
    fn users(&self) -> Collection<UserDocument> {
        self.database.collection("users")
    }

    async fn user_where(&self, filter: Document) -> StoreResult<User> {
        self.users()
            .find_one(filter)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("user"))?
            .into_user()
    }

    /// One insert of the account with its logins: a taken usertag, email or login refuses
    /// the whole document, so there is never an account without its login or the reverse.
    async fn insert_user(&self, user: NewUser, logins: Vec<String>) -> StoreResult<User> {
        let user = user.validated()?;
        let now = DateTime::from_millis(now_millis());
        let settings = UserSettings::default();
        let document = UserDocument {
            id: ids::new_id(),
            username: user.username,
            usertag_lower: usertag_key(&user.usertag),
            usertag: user.usertag,
            email: user.email,
            roles: vec![Role::Member.as_str().to_owned()],
            color: user.color,
            avatar_url: None,
            bio: None,
            location: None,
            settings: SettingsDocument {
                theme: settings.theme,
                notifications: settings.notifications,
                privacy: settings.privacy,
                instrument: None,
            },
            banned_until: None,
            token_version: 0,
            logins,
            created_at: now,
            updated_at: now,
        };
        self.users()
            .insert_one(&document)
            .await
            .map_err(|error| conflict_on(error, UNIQUE_FIELDS))?;
        document.into_user()
    }
}

#[async_trait]
impl UserStore for MongoStore {
    async fn create(&self, user: NewUser) -> StoreResult<User> {
        self.insert_user(user, Vec::new()).await
    }

    async fn get(&self, id: &str) -> StoreResult<User> {
        self.user_where(doc! { "_id": id }).await
    }

    async fn by_usertag(&self, usertag: &str) -> StoreResult<User> {
        // An exact match on the lower-cased copy: the usertag is data, never a pattern.
        self.user_where(doc! { "usertagLower": usertag_key(usertag) })
            .await
    }

    async fn by_email(&self, email: &str) -> StoreResult<User> {
        self.user_where(doc! { "email": match_key(email) }).await
    }

    async fn update(&self, id: &str, update: ProfileUpdate) -> StoreResult<User> {
        let update = update.validated()?;
        // Only the named fields, in one atomic update.
        let mut set = doc! { "updatedAt": DateTime::from_millis(now_millis()) };
        let mut unset = Document::new();
        let mut optional = |field: &str, value: Option<Option<Bson>>| match value {
            Some(Some(value)) => {
                set.insert(field, value);
            }
            Some(None) => {
                unset.insert(field, "");
            }
            None => {}
        };
        optional("email", bson_of(update.email));
        optional("avatarUrl", bson_of(update.avatar_url));
        optional("bio", bson_of(update.bio));
        optional("location", bson_of(update.location));
        optional(
            "settings.instrument",
            update
                .instrument
                .map(|choice| choice.map(InstrumentDocument::stored)),
        );
        optional(
            "bannedUntil",
            bson_of(
                update
                    .banned_until
                    .map(|until| until.map(DateTime::from_millis)),
            ),
        );
        if let Some(username) = update.username {
            set.insert("username", username);
        }
        if let Some(usertag) = update.usertag {
            set.insert("usertagLower", usertag_key(&usertag));
            set.insert("usertag", usertag);
        }
        if let Some(roles) = update.roles {
            let names: Vec<&str> = roles.iter().map(|role| role.as_str()).collect();
            set.insert("roles", names);
        }
        if let Some(color) = update.color {
            set.insert("color", color);
        }
        // Field by field: the instrument beside them is changed on its own.
        if let Some(settings) = update.settings {
            set.insert("settings.theme", settings.theme);
            set.insert("settings.notifications", settings.notifications);
            set.insert("settings.privacy", settings.privacy);
        }
        let mut change = doc! { "$set": set };
        if !unset.is_empty() {
            change.insert("$unset", unset);
        }
        if update.end_tokens {
            change.insert("$inc", doc! { "tokenVersion": 1_i64 });
        }
        // update_one, then a read: SecantusDB's findAndModify leaves the old key in unique
        // indexes (a freed usertag stays taken), its update does not. The update itself is
        // still one atomic write.
        let updated = self
            .users()
            .update_one(doc! { "_id": id }, change)
            .await
            .map_err(|error| conflict_on(error, UNIQUE_FIELDS))?;
        if updated.matched_count == 0 {
            return Err(StoreError::NotFound("user"));
        }
        self.get(id).await
    }

    async fn create_with_login(&self, user: NewUser, login: &Login) -> StoreResult<User> {
        self.insert_user(user, vec![login.key()]).await
    }

    async fn by_login(&self, login: &Login) -> StoreResult<User> {
        // Equality with an array field matches any of its elements, exactly.
        self.user_where(doc! { "logins": login.key() }).await
    }
}

/// An optional field's change (see `ProfileUpdate`) as the value to store.
fn bson_of<T: Into<Bson>>(value: Option<Option<T>>) -> Option<Option<Bson>> {
    value.map(|inner| inner.map(Into::into))
}

impl UserDocument {
    fn into_user(self) -> StoreResult<User> {
        let roles = self
            .roles
            .iter()
            .map(|name| Role::parse(name).ok_or_else(|| corrupt("role", name)))
            .collect::<StoreResult<_>>()?;
        Ok(User {
            id: self.id,
            username: self.username,
            usertag: self.usertag,
            email: self.email,
            roles,
            color: self.color,
            avatar_url: self.avatar_url,
            bio: self.bio,
            location: self.location,
            settings: UserSettings {
                theme: self.settings.theme,
                notifications: self.settings.notifications,
                privacy: self.settings.privacy,
                instrument: self.settings.instrument.and_then(InstrumentDocument::read),
            },
            banned_until: self.banned_until.map(|until| until.timestamp_millis()),
            token_version: u64::try_from(self.token_version)
                .map_err(|_| corrupt("token version", &self.token_version.to_string()))?,
            created_at: self.created_at.timestamp_millis(),
            updated_at: self.updated_at.timestamp_millis(),
        })
    }
}

#[cfg(test)]
mod tests {
    use mongodb::bson::{doc, from_document, Bson, DateTime};

    use super::UserDocument;

    #[test]
    fn accounts_stored_before_logins_and_site_bans_still_load() {
        let older = doc! {
            "_id": "65f000000000000000000001",
            "username": "Ada",
            "usertag": "Ada",
            "usertagLower": "ada",
            "roles": ["member"],
            "color": "#336699",
            "settings": { "theme": "default", "notifications": true, "privacy": "public" },
            "createdAt": DateTime::from_millis(1),
            "updatedAt": DateTime::from_millis(2),
        };
        let document: UserDocument = from_document(older).unwrap();
        assert!(document.logins.is_empty());
        let user = document.into_user().unwrap();
        assert_eq!((user.location, user.banned_until), (None, None));
        assert_eq!(
            user.token_version, 0,
            "tokens issued before versions count as version 0"
        );
    }

    #[test]
    fn a_kept_instrument_that_cannot_be_a_preset_is_ignored_and_the_account_loads() {
        let with = |instrument: Bson| {
            let stored = doc! {
                "_id": "65f000000000000000000001",
                "username": "Ada",
                "usertag": "Ada",
                "usertagLower": "ada",
                "roles": ["member"],
                "color": "#336699",
                "settings": {
                    "theme": "default", "notifications": true, "privacy": "public",
                    "instrument": instrument,
                },
                "createdAt": DateTime::from_millis(1),
                "updatedAt": DateTime::from_millis(2),
            };
            let document: UserDocument = from_document(stored).unwrap();
            document.into_user().unwrap().settings.instrument
        };
        let flute = with(Bson::Document(
            doc! { "bank": 0_i64, "program": 73_i64, "name": "Flute" },
        ));
        assert_eq!(flute.map(|kept| kept.program), Some(73));
        for broken in [
            Bson::Document(doc! { "bank": -1_i64, "program": 73_i64, "name": "Flute" }),
            Bson::Document(doc! { "bank": 0_i64, "name": "Flute" }),
            Bson::String("Flute".into()),
        ] {
            assert_eq!(with(broken.clone()), None, "{broken}");
        }
    }
}
