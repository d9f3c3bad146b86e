//! Failures in words: what a player reads when a server function fails. The server's own
//! sentences (what happened, what to do) are shown as they are; the framework's text never is.

use leptos::prelude::ServerFnError;

/// When the server could not be reached, or its answer read.
const UNREACHABLE: &str = "The server could not be reached. Check your connection and try again.";
/// When the failure is ours, with nothing the player can change.
const OUR_FAULT: &str = "Something went wrong on our side. Try again in a moment.";

/// What to tell the player about a failed server function.
pub fn in_words(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => sentence(message),
        ServerFnError::Request(_) | ServerFnError::Response(_) => UNREACHABLE.to_owned(),
        _ => OUR_FAULT.to_owned(),
    }
}

/// What to tell the player about an error a page caught: a server function's message in
/// words (only its text survives the catching), anything else as our fault.
pub fn caught_in_words(error: &leptos::error::Error) -> String {
    let text = error.to_string();
    match text.strip_prefix("error running server function: ") {
        Some(message) => sentence(message),
        None if text.starts_with("error reaching server") => UNREACHABLE.to_owned(),
        None => OUR_FAULT.to_owned(),
    }
}

/// The server's message as a sentence: capitalised, with its full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let Some(first) = chars.next() else {
        return OUR_FAULT.to_owned();
    };
    let mut sentence: String = first.to_uppercase().chain(chars).collect();
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_sentence_is_shown_without_the_frameworks_words() {
        let error = ServerFnError::new("sign in to edit a profile");
        assert_eq!(
            error.to_string(),
            "error running server function: sign in to edit a profile"
        );
        assert_eq!(in_words(&error), "Sign in to edit a profile.");
        let busy = ServerFnError::new("The service is busy; try again in a moment.");
        assert_eq!(
            in_words(&busy),
            "The service is busy; try again in a moment."
        );
    }

    #[test]
    fn transport_and_decoding_failures_say_what_to_do() {
        let lost = ServerFnError::Request("error sending request: connection refused".into());
        assert_eq!(in_words(&lost), UNREACHABLE);
        let garbled = ServerFnError::Deserialization("expected value at line 1".into());
        assert_eq!(in_words(&garbled), OUR_FAULT);
        assert_eq!(in_words(&ServerFnError::new("  ")), OUR_FAULT);
    }
}
