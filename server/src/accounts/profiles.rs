//! One's own profile and settings, and other players' public profiles.

use pianorhythm_api::account::{Checked, FieldError, Profile, ProfileForm, Settings, Theme};
use std::sync::Arc;

use axum::http::{header, HeaderMap};
use pianorhythm_core::{
    domain::user::{ProfileUpdate, User, UserSettings},
    protocol::Instrument,
    validation::{self, avatar, Invalid},
};
use pianorhythm_store::StoreError;
use tower_cookies::cookie::Cookie;
use tower_sessions::Session;

use super::{service::signed_in_account, sign_in::session_error, Accounts, Caller, Identity};
use pianorhythm_engine::{
    policy::{self, Action},
    rooms::ConnectionId,
};

use crate::{guest, service_error::ServiceError};

impl Accounts {
    /// One's own profile, with the email only its owner sees.
    pub async fn own_profile(&self, caller: &Caller) -> Result<Profile, ServiceError> {
        let user = self.member(caller, Action::EditOwnProfile)?;
        Ok(Profile {
            email: user.email.clone(),
            ..self.profile_of(user)
        })
    }

    /// Saves the form, or says what is wrong with each field (nothing is saved then).
    pub async fn update_profile(
        &self,
        caller: &Caller,
        form: ProfileForm,
    ) -> Result<Checked<Profile>, ServiceError> {
        let user = self.member(caller, Action::EditOwnProfile)?;
        let mut errors = Vec::new();
        let mut check = |field: &str, result: Result<String, validation::Invalid>| match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                errors.push(FieldError {
                    field: field.to_owned(),
                    message: invalid.0,
                });
                None
            }
        };
        let optional = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        };
        let username = check(
            "username",
            pianorhythm_engine::names::player_name(&form.username),
        );
        let color = check("color", validation::color(&form.color));
        let update = ProfileUpdate {
            username,
            color,
            bio: Some(optional(&form.bio)),
            avatar_url: Some(optional(&form.avatar_url)),
            location: Some(optional(&form.location)),
            ..Default::default()
        };
        // The optional fields' own rules, one by one, so each error names its field.
        for (field, single) in [
            (
                "bio",
                ProfileUpdate {
                    bio: update.bio.clone(),
                    ..Default::default()
                },
            ),
            (
                "avatarUrl",
                ProfileUpdate {
                    avatar_url: update.avatar_url.clone(),
                    ..Default::default()
                },
            ),
            (
                "location",
                ProfileUpdate {
                    location: update.location.clone(),
                    ..Default::default()
                },
            ),
        ] {
            check(field, single.validated().map(|_| String::new()));
        }
        if let Some(Some(url)) = &update.avatar_url {
            if !avatar::allowed(url, &self.inner.avatar_hosts) {
                let hosts = self.inner.avatar_hosts.join(", ");
                let why = match hosts.is_empty() {
                    true => "this site shows no avatars".to_owned(),
                    false => format!("an avatar must be an https address on one of: {hosts}"),
                };
                check("avatarUrl", Err(Invalid(why)));
            }
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let saved = self.inner.users.update(&user.id, update).await?;
        self.profile_changed(&user.id, None);
        Ok(Ok(self.profile_of(&saved)))
    }

    /// A member's profile changed: their open connections but `except` (the one that made the
    /// change), on every instance, read it again, and their rooms show it.
    pub fn profile_changed(&self, member: &str, except: Option<ConnectionId>) {
        self.inner.live.profile_changed(member, except);
    }

    /// A member's account as it is now (a connection's copy may be out of date).
    pub async fn member_now(&self, id: &str) -> Result<User, ServiceError> {
        Ok(self.inner.users.get(id).await?)
    }

    /// A name or colour change from the piano: kept in the guest's session, or written to
    /// the account. Returns the identity as changed.
    pub async fn set_player_profile(
        &self,
        session: &Session,
        identity: &Identity,
        name: Option<&str>,
        color: Option<&str>,
    ) -> Result<Identity, ServiceError> {
        let name = name
            .map(pianorhythm_engine::names::player_name)
            .transpose()
            .map_err(|invalid| ServiceError::field("username", invalid.0))?;
        let color = color
            .map(validation::color)
            .transpose()
            .map_err(|invalid| ServiceError::field("color", invalid.0))?;
        match identity {
            Identity::Guest(guest) => {
                let mut guest = guest.clone();
                guest.name = name.unwrap_or(guest.name);
                guest.color = color.unwrap_or(guest.color);
                guest::save(session, &guest).await.map_err(session_error)?;
                Ok(Identity::Guest(guest))
            }
            Identity::Member(user) => {
                let update = ProfileUpdate {
                    username: name,
                    color,
                    ..Default::default()
                };
                let user = self.inner.users.update(&user.id, update).await?;
                Ok(Identity::Member(Box::new(user)))
            }
        }
    }

    /// The instrument kept for the player's next visit: in the account's settings, or in the
    /// guest's session. As stored: check it before use, the rules may have changed since.
    pub async fn kept_instrument(
        &self,
        session: &Session,
        identity: &Identity,
    ) -> Option<Instrument> {
        match identity {
            Identity::Guest(_) => guest::kept_instrument(session).await,
            Identity::Member(user) => user.settings.instrument.clone(),
        }
    }

    /// Keeps the instrument chosen at the piano (`None`: the piano) for the player's next
    /// visit. Returns the identity as changed.
    pub async fn keep_instrument(
        &self,
        session: &Session,
        identity: &Identity,
        instrument: Option<Instrument>,
    ) -> Result<Identity, ServiceError> {
        match identity {
            Identity::Guest(guest) => {
                guest::keep_instrument(session, guest, instrument.as_ref())
                    .await
                    .map_err(session_error)?;
                Ok(identity.clone())
            }
            Identity::Member(user) => {
                let update = ProfileUpdate {
                    instrument: Some(instrument),
                    ..Default::default()
                };
                let user = self.inner.users.update(&user.id, update).await?;
                Ok(Identity::Member(Box::new(user)))
            }
        }
    }

    pub async fn settings(&self, caller: &Caller) -> Result<Settings, ServiceError> {
        let user = self.member(caller, Action::EditOwnProfile)?;
        Ok(settings_of(&user.settings))
    }

    pub async fn update_settings(
        &self,
        caller: &Caller,
        settings: Settings,
    ) -> Result<Checked<Settings>, ServiceError> {
        let user = self.member(caller, Action::EditOwnProfile)?;
        let mut errors = Vec::new();
        let theme = Theme::from_name(&settings.theme);
        if theme.is_none() {
            let names = Theme::ALL.map(Theme::name).join(", ");
            errors.push(FieldError {
                field: "theme".into(),
                message: format!("the theme is one of {names}"),
            });
        }
        if !UserSettings::PRIVACY.contains(&settings.privacy.as_str()) {
            errors.push(FieldError {
                field: "privacy".into(),
                message: format!("privacy is one of {}", UserSettings::PRIVACY.join(", ")),
            });
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let update = ProfileUpdate {
            settings: Some(UserSettings {
                theme: theme.unwrap_or_default().name().into(),
                notifications: settings.notifications,
                privacy: settings.privacy,
                // Chosen at the piano, not on this page (and not written by this update).
                instrument: user.settings.instrument.clone(),
            }),
            ..Default::default()
        };
        let saved = self.inner.users.update(&user.id, update).await?;
        Ok(Ok(settings_of(&saved.settings)))
    }

    /// The theme the visitor's pages are drawn in: a member's from their settings, anyone
    /// else's from the cookie [`Accounts::choose_theme`]'s page sets. Starts no session.
    pub async fn theme(&self, session: &Session, headers: &HeaderMap) -> Theme {
        if let Some(id) = signed_in_account(session).await {
            if let Ok(user) = self.inner.users.get(&id).await {
                return theme_of(&user.settings);
            }
        }
        let cookies = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .flatten();
        cookies
            .filter(|cookie| cookie.name() == Theme::COOKIE)
            .find_map(|cookie| Theme::from_name(cookie.value()))
            .unwrap_or_default()
    }

    /// The theme `caller` chose, kept in a member's settings (a guest's stays in their
    /// browser's cookie, which the page's server function sets for everyone).
    pub async fn choose_theme(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<Checked<Theme>, ServiceError> {
        let Some(theme) = Theme::from_name(name) else {
            let names = Theme::ALL.map(Theme::name).join(", ");
            return Ok(Err(vec![FieldError {
                field: "theme".into(),
                message: format!("the theme is one of {names}"),
            }]));
        };
        if let Ok(user) = self.member(caller, Action::EditOwnProfile) {
            let update = ProfileUpdate {
                settings: Some(UserSettings {
                    theme: theme.name().into(),
                    ..user.settings.clone()
                }),
                ..Default::default()
            };
            self.inner.users.update(&user.id, update).await?;
        }
        Ok(Ok(theme))
    }

    /// A profile by usertag (or account id), as `viewer` may see it: public profiles to
    /// anyone, members-only ones to members, friends-only ones to friends, private ones to
    /// their owner and moderators.
    pub async fn public_profile(
        &self,
        viewer: &Caller,
        usertag_or_id: &str,
    ) -> Result<Profile, ServiceError> {
        let user = match self.inner.users.by_usertag(usertag_or_id).await {
            Err(StoreError::NotFound(_)) => self.inner.users.get(usertag_or_id).await?,
            found => found?,
        };
        let own = viewer.identity.user().is_some_and(|me| me.id == user.id);
        let needed = match user.settings.privacy.as_str() {
            "public" => None,
            "members" => Some(Action::SeeMembersOnlyProfiles),
            "friends" if self.are_friends(viewer, &user.id).await? => None,
            _ => Some(Action::SeePrivateProfiles),
        };
        if let (false, Some(action)) = (own, needed) {
            policy::require(viewer.role(), action)?;
        }
        Ok(self.profile_of(&user))
    }
}

impl Accounts {
    /// Whether `viewer` is a member and a friend of the member `other`.
    async fn are_friends(&self, viewer: &Caller, other: &str) -> Result<bool, ServiceError> {
        let Some(me) = viewer.identity.user() else {
            return Ok(false);
        };
        let friendships = self.inner.friends.friendships(&me.id).await?;
        Ok(friendships
            .iter()
            .any(|friendship| friendship.accepted && friendship.other(&me.id) == other))
    }

    /// A profile as pages and the API show it: an avatar only from the allowed hosts.
    pub(super) fn profile_of(&self, user: &User) -> Profile {
        Profile {
            avatar_url: self.shown_avatar(user.avatar_url.as_deref()),
            ..plain_profile(user)
        }
    }

    /// `url` if the pages may show it as an avatar (`AVATAR_HOSTS`).
    pub fn shown_avatar(&self, url: Option<&str>) -> Option<String> {
        url.filter(|url| avatar::allowed(url, &self.inner.avatar_hosts))
            .map(str::to_owned)
    }

    /// Where avatars may come from, for the pages' Content Security Policy.
    pub fn avatar_hosts(&self) -> Arc<[String]> {
        self.inner.avatar_hosts.clone()
    }
}

fn plain_profile(user: &User) -> Profile {
    Profile {
        id: user.id.clone(),
        usertag: user.usertag.clone(),
        username: user.username.clone(),
        color: user.color.clone(),
        bio: user.bio.clone(),
        avatar_url: None,
        location: user.location.clone(),
        roles: user
            .roles
            .iter()
            .map(|role| role.as_str().to_owned())
            .collect(),
        created_at: user.created_at,
        email: None,
    }
}

fn settings_of(settings: &UserSettings) -> Settings {
    Settings {
        theme: theme_of(settings).name().into(),
        notifications: settings.notifications,
        privacy: settings.privacy.clone(),
    }
}

/// The theme a member's pages are drawn in (the default for a name no longer known).
pub fn theme_of(settings: &UserSettings) -> Theme {
    Theme::from_name(&settings.theme).unwrap_or_default()
}
