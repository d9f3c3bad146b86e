//! Pieces shared by pages.

pub mod connection;
pub mod instrument;
pub mod instrument_picker;
pub mod notice;
pub mod piano;
pub mod settings_form;

use leptos::prelude::*;

pub use connection::ConnectionIndicator;

/// The site's header. On a phone its links fold into a menu (a popover: it opens, closes and
/// gives focus back without any code of ours), "Sign in" staying beside it.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"PianoRhythm"</a>
            <ConnectionIndicator/>
            <nav id="site-nav" class="site-nav" popover="auto" aria-label="Site" on:click=close_menu>
                <a href="/sheets">"Sheet music"</a>
                <crate::account::AccountMenu/>
            </nav>
            <button class="menu-button" popovertarget="site-nav" aria-label="Menu">"☰ Menu"</button>
        </header>
    }
}

/// A link followed from the open menu changes the page without reloading it: the menu closes.
fn close_menu(_event: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(menu) = _event.current_target() {
            let _ = menu.unchecked_into::<web_sys::HtmlElement>().hide_popover();
        }
    }
}
