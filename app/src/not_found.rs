use leptos::prelude::*;

/// Shown for every path no route matches, with HTTP status 404 when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let response = expect_context::<leptos_axum::ResponseOptions>();
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <section class="page not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a href="/">"Back to the lobby"</a>
        </section>
    }
}
