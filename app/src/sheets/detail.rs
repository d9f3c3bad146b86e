//! `/sheets/<id>`: one sheet, its details and notes, with favourite, download and (for its
//! uploader or a moderator) delete.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use pianorhythm_core::notes::note_name;

use super::{PracticeNote, SheetDetail};
use crate::server_fns::{delete_sheet, favorite_sheet, get_sheet};

/// Notes closer than this start together: one step of the sheet.
const CHORD_MS: f64 = 5.0;

#[component]
pub fn SheetPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_sheet);
    view! {
        <section class="page sheet">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <SheetView detail/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Sheet music"</h1>
                            <p class="notice" role="alert">{error.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SheetView(detail: SheetDetail) -> impl IntoView {
    let sheet = detail.sheet;
    let id = sheet.id.clone();
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
            (Some(Err(error)), _) | (_, Some(Err(error))) => error.to_string(),
            _ => return None,
        };
        Some(view! { <p class="error" role="alert">{message}</p> })
    };
    let download = format!("/api/v1/sheet_music/{id}/download");
    let steps = steps(&detail.notes);
    view! {
        <h1>{sheet.title.clone()}</h1>
        <dl class="sheet-facts">
            <dt>"Creator"</dt><dd><a href=format!("/user/{}", sheet.creator)>{sheet.creator.clone()}</a></dd>
            <dt>"Difficulty"</dt><dd>{sheet.difficulty.clone()}</dd>
            <dt>"Category"</dt><dd>{sheet.category.clone()}</dd>
            <dt>"Tags"</dt><dd>{sheet.tags.join(", ")}</dd>
            <dt>"Favourites"</dt><dd>{move || favorites.get()}</dd>
            <dt>"Downloads"</dt><dd>{sheet.downloads}</dd>
            <dt>"Tempo"</dt><dd>{format!("{:.0} bpm", detail.tempo_bpm)}</dd>
        </dl>
        <div class="sheet-actions">
            <button on:click=move |_| { favorite.dispatch(true); }>"Favourite"</button>
            <button on:click=move |_| { favorite.dispatch(false); }>"Unfavourite"</button>
            <a class="button" href=download.clone() rel="external" download>"Download"</a>
            <a class="button" href=format!("{download}?format=midi") rel="external" download>"Download as MIDI"</a>
            {detail.can_edit.then(|| view! {
                <button class="danger" on:click=move |_| { remove.dispatch(()); }>"Delete"</button>
            })}
        </div>
        {failure}
        <h2>"Notes"</h2>
        <ol class="sheet-notes" aria-label="Notes">
            {steps
                .into_iter()
                .map(|step| view! { <li>{step}</li> })
                .collect_view()}
        </ol>
    }
}

/// The notes as steps to follow: each step the names of the notes that start together.
fn steps(notes: &[PracticeNote]) -> Vec<String> {
    let mut steps: Vec<(f64, Vec<String>)> = Vec::new();
    for note in notes {
        match steps.last_mut() {
            Some((start, names)) if note.start_ms - *start < CHORD_MS => {
                names.push(note_name(note.key))
            }
            _ => steps.push((note.start_ms, vec![note_name(note.key)])),
        }
    }
    steps
        .into_iter()
        .map(|(_, names)| names.join(" "))
        .collect()
}
