//! The browser's own notifications: a notice arriving while the tab is hidden is shown by the
//! occasional-tools module (`sheets::module`), fetched then, so that pages carry none of that
//! code until a notice needs it. Whether the player wants them, and the browser allows them,
//! that module decides (`browser::alerts`).

use leptos::{prelude::document, task::spawn_local};

use crate::sheets::sheet_music;

/// Shows `notice` as the browser's own notification if the tab is hidden.
pub fn show(notice: String) {
    if document().hidden() {
        spawn_local(async move { (sheet_music().await.notify)(&notice) });
    }
}
