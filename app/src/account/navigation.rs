//! Leaving the page for another, reloading it: after signing in or out the WebSocket must
//! reconnect as the new identity, so these are full page loads, not client-side routing.

/// Loads `path` as a new page (in the browser; nothing on the server).
pub fn load_page(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
