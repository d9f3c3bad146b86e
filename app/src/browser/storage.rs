//! Preferences remembered in `localStorage` (MIDI input, keyboard layout, volume).

use leptos::prelude::window;

pub fn get(key: &str) -> Option<String> {
    window().local_storage().ok()??.get_item(key).ok()?
}

/// Best effort: private browsing may refuse storage, which only costs the preference.
pub fn set(key: &str, value: &str) {
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(key, value);
    }
}
