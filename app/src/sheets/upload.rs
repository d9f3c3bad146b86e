//! `/sheets/new`: a Member uploads a Virtual Piano sheet (`.txt`) or a MIDI file (`.mid`),
//! with its title, category, difficulty and tags. Errors show next to their field.

use leptos::{prelude::*, web_sys::FormData};

use super::difficulty_options;
use crate::{
    account::field_error,
    server_fns::{upload_sheet, who_am_i},
};

#[component]
pub fn NewSheetPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <section class="page sheet-upload">
            <h1>"Upload a sheet"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(_) => view! { <UploadForm/> }.into_any(),
                        None => view! {
                            <p class="notice" role="alert">
                                "Sign in to upload sheet music. " <a href="/signin?return_to=%2Fsheets%2Fnew">"Sign in"</a>
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UploadForm() -> impl IntoView {
    // A local action: the form's file travels as multipart form data, built in the browser.
    let upload = Action::new_local(|form: &FormData| upload_sheet(form.clone().into()));
    let result = upload.value();
    Effect::new(move |_| {
        if let Some(Ok(Ok(sheet))) = result.get() {
            crate::account::load_page(&format!("/sheets/{}", sheet.id));
        }
    });
    let error = move |field: &'static str| field_error(result, field);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some(form) = form_data(&event) {
            upload.dispatch_local(form);
        }
    };
    view! {
        <form class="form" method="post" action="/api/upload_sheet" enctype="multipart/form-data"
            on:submit=submit>
            <label for="title">"Title"</label>
            <input id="title" name="title" required maxlength="120"/>
            {error("title")}
            <label for="category">"Category"</label>
            <input id="category" name="category" required maxlength="40" placeholder="classical, anime, pop…"/>
            {error("category")}
            <label for="difficulty">"Difficulty"</label>
            <select id="difficulty" name="difficulty">
                {difficulty_options()}
            </select>
            {error("difficulty")}
            <label for="tags">"Tags"</label>
            <input id="tags" name="tags" placeholder="comma, separated"/>
            {error("tags")}
            <label for="file">"File"</label>
            <input id="file" name="file" type="file" accept=".txt,.mid,.midi" required/>
            {error("file")}
            <button type="submit">"Upload"</button>
            {error("form")}
        </form>
    }
}

/// The submitted form's data (in the browser; the server never runs the submit handler).
fn form_data(event: &leptos::ev::SubmitEvent) -> Option<FormData> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = event
            .target()?
            .dyn_into::<web_sys::HtmlFormElement>()
            .ok()?;
        FormData::new_with_form(&form).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        None
    }
}
