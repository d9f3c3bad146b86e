//! The "offline / connecting / online" badge in the header.
//!
//! The server renders it as "offline"; only the running client can turn it "online", after its
//! WebSocket has opened and the first clock-sync exchange has come back. That makes it the
//! visible proof that hydration worked.

use leptos::prelude::*;

use crate::live::{use_live, ConnectionStatus};

/// How the badge shows each status.
impl ConnectionStatus {
    fn label(self) -> String {
        match self {
            Self::Offline => "offline".to_owned(),
            Self::Connecting => "connecting".to_owned(),
            // Whole milliseconds, formatted as an integer: float formatting is a lot of code.
            Self::Online { ping_ms } => format!("online · {} ms", ping_ms.round() as i64),
        }
    }

    fn state(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Connecting => "connecting",
            Self::Online { .. } => "online",
        }
    }
}

#[component]
pub fn ConnectionIndicator() -> impl IntoView {
    let status = use_live().status;
    view! {
        <span class="connection" data-state=move || status.get().state() role="status">
            {move || status.get().label()}
        </span>
    }
}
