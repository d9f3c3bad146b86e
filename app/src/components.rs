//! Pieces shared by every page.

pub mod connection;

use leptos::prelude::*;

pub use connection::ConnectionIndicator;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"PianoRhythm"</a>
            <ConnectionIndicator/>
        </header>
    }
}
