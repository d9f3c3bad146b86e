//! The "Audit log" tab: every audited action, newest first, filtered by action, by who did it
//! and to whom, a page at a time ("Newer", "Older").

use leptos::{ev::SubmitEvent, prelude::*};
use pianorhythm_api::{staff::AuditView, when::utc_minute};
use pianorhythm_core::domain::audit::AuditAction;

use crate::error_words::in_words;
use crate::server_fns_staff::audit_log;

/// Entries on a page.
const PAGE: u32 = 25;

/// What the log is filtered by (empty: any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filter {
    /// An action's stored name.
    action: String,
    /// Who did it (account or guest id).
    actor: String,
    /// To whom or what.
    target: String,
}

#[component]
pub fn AuditLog() -> impl IntoView {
    let filter = RwSignal::new(Filter::default());
    let skip = RwSignal::new(0_u64);
    let entries = Resource::new(
        move || (filter.get(), skip.get()),
        |(filter, skip)| {
            let given = |text: String| (!text.is_empty()).then_some(text);
            audit_log(
                None,
                given(filter.action),
                given(filter.actor),
                given(filter.target),
                skip,
                PAGE,
            )
        },
    );
    let (action, actor, target) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let apply = move |event: SubmitEvent| {
        event.prevent_default();
        skip.set(0);
        filter.set(Filter {
            action: action.get_untracked(),
            actor: actor.get_untracked().trim().to_owned(),
            target: target.get_untracked().trim().to_owned(),
        });
    };
    let actions = AuditAction::ALL
        .map(|action| {
            let name = action.as_str();
            view! { <option value=name>{name}</option> }
        })
        .collect_view();
    // A full page means there may be older entries.
    let full_page = move || {
        entries
            .get()
            .and_then(Result::ok)
            .is_some_and(|list| list.len() == PAGE as usize)
    };
    view! {
        <form class="filters" on:submit=apply aria-label="Audit filters">
            <label>"Action"
                <select on:change=move |event| action.set(event_target_value(&event))>
                    <option value="">"Any"</option>
                    {actions}
                </select>
            </label>
            <TextFilter label="By (actor id)" value=actor/>
            <TextFilter label="Whom (target id)" value=target/>
            <button type="submit">"Filter"</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">"No entries."</p> }.into_any(),
                    Ok(list) => view! { <AuditTable list/> }.into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{in_words(&error)}</p> }.into_any(),
                }
            })}
        </Transition>
        <div class="pager">
            <button disabled=move || skip.get() == 0
                on:click=move |_| skip.update(|skip| *skip = skip.saturating_sub(PAGE.into()))>"Newer"</button>
            <button disabled=move || !full_page()
                on:click=move |_| skip.update(|skip| *skip += u64::from(PAGE))>"Older"</button>
        </div>
    }
}

#[component]
fn TextFilter(label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <label>{label}
            <input type="text" prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))/>
        </label>
    }
}

#[component]
fn AuditTable(list: Vec<AuditView>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|entry| {
            view! {
                <tr>
                    <td>{utc_minute(entry.at)}</td>
                    <td>{entry.action}</td>
                    <td>{entry.actor_id.unwrap_or_else(|| "server".into())}</td>
                    <td>{entry.target_id.unwrap_or_default()}</td>
                    <td>{entry.room_id.unwrap_or_default()}</td>
                    <td>{entry.details}</td>
                    <td>{entry.address.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="staff-table" aria-label="Audit log">
                <thead>
                    <tr>
                        <th>"When"</th><th>"Action"</th><th>"By"</th><th>"Whom"</th>
                        <th>"Room"</th><th>"Details"</th><th>"From"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
