//! `/sheets`: search (Enter searches), filter by category and difficulty, newest first, a
//! page at a time. The search lives in the address (`?q=&category=&difficulty=&page=`), so a
//! result page can be shared and the back button works.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use pianorhythm_api::sheets::{SheetQuery, SheetSummary};

use super::difficulty_options;
use crate::error_words::in_words;
use crate::server_fns::search_sheets;

const PAGE_SIZE: u32 = 20;

#[component]
pub fn SheetsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let page = move || param("page").parse::<u64>().unwrap_or(1).max(1);
    let search = move || SheetQuery {
        query: param("q"),
        category: Some(param("category")).filter(|text| !text.is_empty()),
        difficulty: Some(param("difficulty")).filter(|text| !text.is_empty()),
        limit: Some(PAGE_SIZE),
        skip: Some((page() - 1) * u64::from(PAGE_SIZE)),
    };
    let results = Resource::new(search, search_sheets);
    let navigate = use_navigate();
    let go = move |q: String, category: String, difficulty: String, page: u64| {
        let encode = |text: &str| {
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
        };
        let address = format!(
            "/sheets?q={}&category={}&difficulty={}&page={page}",
            encode(&q),
            encode(&category),
            encode(&difficulty)
        );
        navigate(&address, Default::default());
    };
    let text = RwSignal::new(param("q"));
    let category = RwSignal::new(param("category"));
    let difficulty = RwSignal::new(param("difficulty"));
    let submit = {
        let go = go.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            go(
                text.get_untracked(),
                category.get_untracked(),
                difficulty.get_untracked(),
                1,
            );
        }
    };
    view! {
        <section class="page sheets">
            <div class="sheets-header">
                <h1>"Sheet music"</h1>
                <a class="button" href="/sheets/new">"Upload a sheet"</a>
            </div>
            <form class="sheet-search" role="search" on:submit=submit>
                <input type="search" aria-label="Search sheets" placeholder="Title, creator or tag"
                    prop:value=move || text.get() on:input=move |event| text.set(event_target_value(&event))/>
                <input type="text" aria-label="Category" placeholder="Category"
                    prop:value=move || category.get() on:input=move |event| category.set(event_target_value(&event))/>
                <select aria-label="Difficulty" prop:value=move || difficulty.get()
                    on:change=move |event| difficulty.set(event_target_value(&event))>
                    <option value="">"Any difficulty"</option>
                    {difficulty_options()}
                </select>
                <button type="submit">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || {
                    let go = go.clone();
                    Suspend::new(async move {
                        match results.await {
                            Ok(found) if found.total == 0 => {
                                let searched = [param("q"), param("category"), param("difficulty")]
                                    .iter()
                                    .any(|value| !value.is_empty());
                                view! { <NoSheets searched/> }.into_any()
                            }
                            Ok(found) => {
                                let pages = found.total.div_ceil(u64::from(PAGE_SIZE)).max(1);
                                let current = page();
                                let (q, c, d) = (param("q"), param("category"), param("difficulty"));
                                let (previous, next) = (go.clone(), go.clone());
                                let (pq, pc, pd) = (q.clone(), c.clone(), d.clone());
                                let count = match found.total {
                                    1 => "1 sheet".to_owned(),
                                    total => format!("{total} sheets"),
                                };
                                // A pager only when there is another page to go to.
                                let pager = (pages > 1).then(|| view! {
                                    <nav class="pager" aria-label="Pages">
                                        <button disabled={current <= 1}
                                            on:click=move |_| previous(pq.clone(), pc.clone(), pd.clone(), current - 1)>
                                            "Previous"
                                        </button>
                                        <span>{format!("Page {current} of {pages}")}</span>
                                        <button disabled={current >= pages}
                                            on:click=move |_| next(q.clone(), c.clone(), d.clone(), current + 1)>
                                            "Next"
                                        </button>
                                    </nav>
                                });
                                view! {
                                    <p class="count">{count}</p>
                                    <ul class="sheet-list" aria-label="Sheets">
                                        {found.data.into_iter().map(|sheet| view! { <SheetItem sheet/> }).collect_view()}
                                    </ul>
                                    {pager}
                                }
                                .into_any()
                            }
                            Err(error) => view! { <p class="error" role="alert">{in_words(&error)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// What an empty list says: an invitation to upload the first sheet, or, for a search that
/// found nothing, what to try instead.
#[component]
fn NoSheets(searched: bool) -> impl IntoView {
    let (heading, advice) = match searched {
        false => (
            "No sheets yet",
            "Share the first one: a Virtual Piano sheet or a MIDI file.",
        ),
        true => (
            "No sheet matches",
            "Try fewer words, another category or any difficulty, or upload the sheet yourself.",
        ),
    };
    view! {
        <div class="empty-state">
            <h2>{heading}</h2>
            <p>{advice}</p>
            <a class="button" href="/sheets/new">"Upload a sheet"</a>
        </div>
    }
}

#[component]
fn SheetItem(sheet: SheetSummary) -> impl IntoView {
    view! {
        <li class="sheet">
            <a href=format!("/sheets/{}", sheet.id)>{sheet.title}</a>
            <span class="creator">" by " {sheet.creator}</span>
            <span class="difficulty">{sheet.difficulty}</span>
            <span class="tags">{sheet.tags.join(", ")}</span>
            <span class="stats">{format!("♥ {} · ⬇ {}", sheet.favorites, sheet.downloads)}</span>
        </li>
    }
}
