//! A room's settings, always valid: every change goes through [`RoomSettings::apply`]. The live
//! room and its stored record hold this same type.

use crate::{
    protocol::{PlayPermission, RoomSettingsUpdate},
    rooms::{DEFAULT_MAX_PLAYERS, DEFAULT_NOTE_RATE, MAX_NOTE_RATE},
    validation::{self, Invalid},
};

#[derive(Clone, Debug, PartialEq)]
pub struct RoomSettings {
    pub name: String,
    pub private: bool,
    pub password: Option<String>,
    pub max_players: u32,
    pub who_can_play: PlayPermission,
    pub chat_enabled: bool,
    pub welcome_message: String,
    pub note_rate: u32,
}

impl RoomSettings {
    /// Settings for a new room: the update's fields over the defaults; the name is required.
    pub fn create(update: &RoomSettingsUpdate) -> Result<Self, Invalid> {
        let name = update
            .name
            .as_deref()
            .ok_or_else(|| Invalid("a room needs a name".into()))?;
        let mut settings = Self::with_name(validation::room_name(name)?, DEFAULT_MAX_PLAYERS);
        settings.apply(update)?;
        Ok(settings)
    }

    pub fn with_name(name: String, max_players: u32) -> Self {
        Self {
            name,
            private: false,
            password: None,
            max_players,
            who_can_play: PlayPermission::Everyone,
            chat_enabled: true,
            welcome_message: String::new(),
            note_rate: DEFAULT_NOTE_RATE,
        }
    }

    /// Applies every field of `update` or, if any is invalid, none of them.
    pub fn apply(&mut self, update: &RoomSettingsUpdate) -> Result<(), Invalid> {
        let mut next = self.clone();
        if let Some(name) = &update.name {
            next.name = validation::room_name(name)?;
        }
        if let Some(private) = update.private {
            next.private = private;
        }
        if let Some(password) = &update.password {
            next.password = validation::password(password)?;
        }
        if let Some(max_players) = update.max_players {
            next.max_players = validation::max_players(max_players)?;
        }
        if let Some(who_can_play) = update.who_can_play {
            next.who_can_play = PlayPermission::try_from(who_can_play)
                .map_err(|_| Invalid("unknown play permission".into()))?;
        }
        if let Some(chat_enabled) = update.chat_enabled {
            next.chat_enabled = chat_enabled;
        }
        if let Some(welcome) = &update.welcome_message {
            next.welcome_message = validation::welcome_message(welcome)?;
        }
        if let Some(note_rate) = update.note_rate {
            if !(1..=MAX_NOTE_RATE).contains(&note_rate) {
                return Err(Invalid(format!(
                    "note rate must be between 1 and {MAX_NOTE_RATE}"
                )));
            }
            next.note_rate = note_rate;
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_needs_a_valid_name_and_takes_defaults() {
        assert!(RoomSettings::create(&RoomSettingsUpdate::default()).is_err());
        let settings = RoomSettings::create(&RoomSettingsUpdate {
            name: Some(" Jazz ".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(settings.name, "Jazz");
        assert_eq!(settings.max_players, DEFAULT_MAX_PLAYERS);
        assert_eq!(settings.password, None);
    }

    #[test]
    fn an_invalid_field_leaves_everything_unchanged() {
        let mut settings = RoomSettings::with_name("Jazz".into(), 16);
        let before = settings.clone();
        let update = RoomSettingsUpdate {
            name: Some("Blues".into()),
            max_players: Some(51),
            ..Default::default()
        };
        assert!(settings.apply(&update).is_err());
        assert_eq!(settings, before);
    }

    #[test]
    fn an_empty_password_removes_it() {
        let mut settings = RoomSettings::with_name("Jazz".into(), 16);
        settings
            .apply(&RoomSettingsUpdate {
                password: Some("secret".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(settings.password.as_deref(), Some("secret"));
        settings
            .apply(&RoomSettingsUpdate {
                password: Some(String::new()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(settings.password, None);
    }

    #[test]
    fn note_rate_is_bounded() {
        let mut settings = RoomSettings::with_name("Jazz".into(), 16);
        for bad in [0, MAX_NOTE_RATE + 1] {
            let update = RoomSettingsUpdate {
                note_rate: Some(bad),
                ..Default::default()
            };
            assert!(settings.apply(&update).is_err());
        }
    }
}
