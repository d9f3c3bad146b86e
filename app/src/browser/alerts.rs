//! The browser's own notifications, for a member's notifications while their tab is hidden.
//! Permission is asked for only when the player turns the `notifications` setting on, and this
//! browser remembers the choice, so turning it off stops them here at once.

use web_sys::{Notification, NotificationOptions, NotificationPermission};

use super::storage;

/// Where this browser remembers the player's choice.
const CHOICE: &str = "pianorhythm.notifications";

/// The player turned the setting on or off: remembered, and on first turning it on, the
/// browser asks for permission (the click that turned it on is the gesture it needs).
pub fn choose(on: bool) {
    storage::set(CHOICE, if on { "on" } else { "off" });
    if on && Notification::permission() == NotificationPermission::Default {
        let _ = Notification::request_permission();
    }
}

/// Shows `text` as the browser's notification when this tab is hidden, the player turned the
/// setting on here, and the browser allows it.
pub fn show_if_hidden(text: &str) {
    let hidden = leptos::prelude::document().hidden();
    let wanted = storage::get(CHOICE).as_deref() == Some("on");
    if !hidden || !wanted || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(text);
    let _ = Notification::new_with_options("PianoRhythm", &options);
}
