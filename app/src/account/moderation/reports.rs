//! The "Reports" tab: what players reported, newest first, by status, each with the room's
//! last chat lines at that moment; "Resolve" and "Dismiss" close an open one.

use leptos::prelude::*;
use pianorhythm_api::{staff::ReportView, when::utc_minute};

use crate::error_words::in_words;
use crate::server_fns_staff::{list_reports, CloseReport};

/// The statuses to filter by: the value the server takes, and the label.
const STATUSES: [(&str, &str); 4] = [
    ("open", "Open"),
    ("resolved", "Resolved"),
    ("dismissed", "Dismissed"),
    ("all", "All"),
];

/// How many reports the tab shows.
const SHOWN: u32 = 100;
/// How often the open tab reads the reports again.
#[cfg(feature = "hydrate")]
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

#[component]
pub fn Reports() -> impl IntoView {
    let status = RwSignal::new(STATUSES[0].0.to_owned());
    let close = ServerAction::<CloseReport>::new();
    // Read again after every close, and on "Refresh": a new report shows at once.
    let refresh = RwSignal::new(0_u32);
    let reports = Resource::new(
        move || (status.get(), close.version().get(), refresh.get()),
        |(status, _, _)| list_reports(Some(status), 0, SHOWN),
    );
    // Staff keep this tab open: a new report shows within seconds, without a click.
    #[cfg(feature = "hydrate")]
    if let Ok(poll) = set_interval_with_handle(move || refresh.update(|n| *n += 1), POLL_EVERY) {
        on_cleanup(move || poll.clear());
    }
    let options = STATUSES
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    view! {
        <div class="filters">
            <label>"Status"
                <select on:change=move |event| status.set(event_target_value(&event))>{options}</select>
            </label>
            <button on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
        </div>
        {move || close.value().with(|result| match result {
            Some(Err(error)) => Some(view! { <p class="field-error" role="alert">{in_words(error)}</p> }),
            _ => None,
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match reports.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">"No reports."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="staff-list" aria-label="Reports">
                            {list.into_iter().map(|report| view! { <ReportItem report close/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{in_words(&error)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReportItem(report: ReportView, close: ServerAction<CloseReport>) -> impl IntoView {
    let reporter = match (&report.reporter_account_id, &report.reporter_guest_id) {
        (Some(account), _) => format!("member {account}"),
        (None, Some(guest)) => format!("guest {guest}"),
        (None, None) => "unknown".to_owned(),
    };
    let whom = match &report.target_account_id {
        Some(account) => format!("{} (member {account})", report.target_name),
        None => format!("{} (guest {})", report.target_name, report.target_id),
    };
    let place = report
        .room_name
        .clone()
        .or(report.room_id.clone())
        .map(|room| format!(" in {room}"));
    let open = report.status == "open";
    let buttons = open.then(|| {
        let (resolve_id, dismiss_id) = (report.id.clone(), report.id.clone());
        view! {
            <div class="row">
                <button class="primary" on:click=move |_| {
                    close.dispatch(CloseReport { id: resolve_id.clone(), resolved: true });
                }>"Resolve"</button>
                <button on:click=move |_| {
                    close.dispatch(CloseReport { id: dismiss_id.clone(), resolved: false });
                }>"Dismiss"</button>
            </div>
        }
    });
    let chat = (!report.chat.is_empty()).then(|| {
        let lines = report
            .chat
            .into_iter()
            .map(|line| view! { <li><span class="sender">{line.sender_name} ": "</span>{line.text}</li> })
            .collect_view();
        view! { <ol class="chat-lines" aria-label="Chat lines">{lines}</ol> }
    });
    view! {
        <li class="staff-item">
            <p>
                <strong>{reporter}</strong> " reported " <strong>{whom}</strong> {place}
                <span class="hint">" · " {utc_minute(report.at)} " · " {report.status.clone()}
                    " · from " {report.reporter_address}</span>
            </p>
            <p class="reason">{report.reason}</p>
            {chat}
            {buttons}
        </li>
    }
}
