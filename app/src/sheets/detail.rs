//! `/sheets/<id>`: one sheet, its details, and its practice view (see `player`), with
//! favourite, download and (for its uploader or a moderator) delete.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{player::Practice, SheetDetail};
use crate::server_fns::{delete_sheet, favorite_sheet, get_sheet};

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
        <Practice notes=detail.notes pedal=detail.pedal tempo_bpm=detail.tempo_bpm/>
    }
}
