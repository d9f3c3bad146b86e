//! `/sheets/<id>`: one sheet, its details, and its practice view (see `player`), with
//! favourite, download and (for its uploader or a moderator) edit and delete.
//!
//! The server renders the sheet's details alone; the notes (megabytes of JSON for a big
//! sheet) are fetched from the API once the page runs in the browser, so a crowd reading a
//! big sheet costs the server no rendering and each page stays small.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use pianorhythm_api::sheets::{SheetDetail, SheetEdit, SheetOverview, SheetSummary};

use super::{difficulty_options, player::Practice};
use crate::error_words::in_words;
use crate::{
    account::field_error,
    server_fns::{delete_sheet, edit_sheet, favorite_sheet, get_sheet_overview},
};

#[component]
pub fn SheetPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let overview = Resource::new(id, get_sheet_overview);
    view! {
        <section class="page sheet">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => view! { <SheetView overview/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Sheet music"</h1>
                            <p class="notice" role="alert">{in_words(&error)}</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SheetView(overview: SheetOverview) -> impl IntoView {
    let SheetOverview { sheet, can_edit } = overview;
    let id = sheet.id.clone();
    // The notes, once fetched. Not a resource: the server renders them as loading and the
    // browser hydrates that same view, then fetches them (an effect runs in the browser only).
    let notes = RwSignal::new(None::<Result<SheetDetail, String>>);
    Effect::new({
        let id = id.clone();
        move |_| {
            let id = id.clone();
            leptos::task::spawn_local(async move { notes.set(Some(notes_of(id).await)) });
        }
    });
    let tempo = move || {
        notes.with(|notes| match notes {
            Some(Ok(detail)) => format!("{:.0} bpm", detail.tempo_bpm),
            _ => String::new(),
        })
    };
    // What is shown of the sheet; an edit replaces it.
    let shown = RwSignal::new(sheet.clone());
    let favorites = RwSignal::new(sheet.favorites);
    let favorite = Action::new({
        let id = id.clone();
        move |on: &bool| favorite_sheet(id.clone(), *on)
    });
    Effect::new(move |_| {
        if let Some(Ok(state)) = favorite.value().get() {
            favorites.set(state.favorites);
        }
    });
    let remove = Action::new({
        let id = id.clone();
        move |_: &()| delete_sheet(id.clone())
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/sheets", Default::default());
        }
    });
    let failure = move || {
        let message = match (favorite.value().get(), remove.value().get()) {
            (Some(Err(error)), _) | (_, Some(Err(error))) => in_words(&error),
            _ => return None,
        };
        Some(view! { <p class="error" role="alert">{message}</p> })
    };
    let download = format!("/api/v1/sheet_music/{id}/download");
    view! {
        <h1>{move || shown.with(|sheet| sheet.title.clone())}</h1>
        <dl class="sheet-facts">
            <dt>"Creator"</dt><dd><a href=format!("/user/{}", sheet.creator)>{sheet.creator.clone()}</a></dd>
            <dt>"Difficulty"</dt><dd>{move || shown.with(|sheet| sheet.difficulty.clone())}</dd>
            <dt>"Category"</dt><dd>{move || shown.with(|sheet| sheet.category.clone())}</dd>
            <dt>"Tags"</dt><dd>{move || shown.with(|sheet| sheet.tags.join(", "))}</dd>
            <dt>"Favourites"</dt><dd>{move || favorites.get()}</dd>
            <dt>"Downloads"</dt><dd>{sheet.downloads}</dd>
            <dt>"Tempo"</dt><dd>{tempo}</dd>
        </dl>
        <div class="sheet-actions">
            <button on:click=move |_| { favorite.dispatch(true); }>"Favourite"</button>
            <button on:click=move |_| { favorite.dispatch(false); }>"Unfavourite"</button>
            <a class="button" href=download.clone() rel="external" download>"Download"</a>
            <a class="button" href=format!("{download}?format=midi") rel="external" download>"Download as MIDI"</a>
            {can_edit.then(|| view! {
                <button class="danger" on:click=move |_| { remove.dispatch(()); }>"Delete"</button>
            })}
        </div>
        {failure}
        {can_edit.then(|| view! { <EditSheet id=id.clone() shown/> })}
        {move || match notes.get() {
            None => view! { <p class="loading">"Loading the notes…"</p> }.into_any(),
            Some(Ok(SheetDetail { notes, pedal, tempo_bpm, .. })) => {
                view! { <Practice notes pedal tempo_bpm/> }.into_any()
            }
            Some(Err(error)) => view! { <p class="notice" role="alert">{error}</p> }.into_any(),
        }}
    }
}

/// The sheet's notes, from the API; only the browser fetches them.
async fn notes_of(id: String) -> Result<SheetDetail, String> {
    #[cfg(feature = "hydrate")]
    {
        crate::browser::fetch::fetch_json(&format!("/api/v1/sheet_music/{id}")).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err("the server does not fetch the notes".to_owned())
    }
}

/// The uploader's (or a moderator's) form for the sheet's title, category, difficulty and
/// tags; mistakes show next to their field.
#[component]
fn EditSheet(id: String, shown: RwSignal<SheetSummary>) -> impl IntoView {
    let current = shown.get_untracked();
    let title = RwSignal::new(current.title);
    let category = RwSignal::new(current.category);
    let difficulty = RwSignal::new(current.difficulty);
    let tags = RwSignal::new(current.tags.join(", "));
    let save = Action::new(move |edit: &SheetEdit| edit_sheet(id.clone(), edit.clone()));
    let result = save.value();
    Effect::new(move |_| {
        if let Some(Ok(Ok(sheet))) = result.get() {
            shown.set(sheet);
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(SheetEdit {
            title: title.get_untracked(),
            category: category.get_untracked(),
            difficulty: difficulty.get_untracked(),
            tags: tags.get_untracked(),
        });
    };
    let error = move |field: &'static str| field_error(result, field);
    let saved = move || {
        matches!(result.get(), Some(Ok(Ok(_)))).then(|| view! { <p role="status">"Saved."</p> })
    };
    view! {
        <details class="edit-sheet">
            <summary>"Edit"</summary>
            <form class="form" on:submit=submit>
                <label for="edit-title">"Title"</label>
                <input id="edit-title" maxlength="120" prop:value=move || title.get()
                    on:input=move |e| title.set(event_target_value(&e))/>
                {error("title")}
                <label for="edit-category">"Category"</label>
                <input id="edit-category" maxlength="40" prop:value=move || category.get()
                    on:input=move |e| category.set(event_target_value(&e))/>
                {error("category")}
                <label for="edit-difficulty">"Difficulty"</label>
                <select id="edit-difficulty" prop:value=move || difficulty.get()
                    on:change=move |e| difficulty.set(event_target_value(&e))>
                    {difficulty_options()}
                </select>
                {error("difficulty")}
                <label for="edit-tags">"Tags"</label>
                <input id="edit-tags" prop:value=move || tags.get()
                    on:input=move |e| tags.set(event_target_value(&e))/>
                {error("tags")}
                {error("form")}
                <button type="submit">"Save"</button>
                {saved}
            </form>
        </details>
    }
}
