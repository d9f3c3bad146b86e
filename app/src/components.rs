//! Pieces shared by pages.

pub mod connection;
pub mod instrument;
pub mod instrument_picker;
pub mod notice;
pub mod piano;
pub mod settings_form;

use leptos::prelude::*;

pub use connection::ConnectionIndicator;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"PianoRhythm"</a>
            <a class="nav" href="/sheets">"Sheet music"</a>
            <ConnectionIndicator/>
            <crate::account::AccountMenu/>
        </header>
    }
}
