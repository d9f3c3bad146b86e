use crate::error_words::caught_in_words;
use leptos::prelude::*;

/// Renders the errors an `<ErrorBoundary>` caught, so a failure shows a message, not a blank page.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="error-box" role="alert">
            <p>"Something went wrong:"</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{caught_in_words(&error)}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
