//! `/moderation`: the staff pages, for moderators and admins, one tab each. Signed out, the
//! page is the sign-in page; signed in without the role, a 403 notice (the server functions
//! behind every tab refuse such callers too).
//!
//! - `reports`: players' reports by status, with the chat lines, "Resolve" and "Dismiss"
//! - `audit`: the audit log, filtered by action, actor and target, a page at a time
//! - `bans`: the site bans in force, and "Lift ban"

mod audit;
mod bans;
mod reports;

use leptos::prelude::*;

use super::SignInPage;
use crate::server_fns::who_am_i;

/// The page's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Reports,
    Audit,
    Bans,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Reports, Tab::Audit, Tab::Bans];

    fn label(self) -> &'static str {
        match self {
            Tab::Reports => "Reports",
            Tab::Audit => "Audit log",
            Tab::Bans => "Bans",
        }
    }
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await.ok().flatten() {
                    None => view! { <SignInPage/> }.into_any(),
                    Some(me) if me.is_staff() => view! { <StaffTabs/> }.into_any(),
                    Some(_) => view! { <Forbidden/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// For a signed-in player without the role.
#[component]
fn Forbidden() -> impl IntoView {
    view! {
        <section class="page moderation">
            <h1>"403: not for you"</h1>
            <p class="notice" role="alert">"Only moderators and admins may see the moderation pages."</p>
            <a href="/">"Back to the lobby"</a>
        </section>
    }
}

#[component]
fn StaffTabs() -> impl IntoView {
    let shown = RwSignal::new(Tab::Reports);
    let tabs = Tab::ALL
        .map(|tab| {
            view! {
                <button role="tab" aria-selected=move || (shown.get() == tab).to_string()
                    on:click=move |_| shown.set(tab)>{tab.label()}</button>
            }
        })
        .collect_view();
    view! {
        <section class="page moderation">
            <h1>"Moderation"</h1>
            <div class="staff-tabs" role="tablist" aria-label="Moderation">{tabs}</div>
            <div class="panel" role="tabpanel" aria-label=move || shown.get().label()>
                {move || match shown.get() {
                    Tab::Reports => view! { <reports::Reports/> }.into_any(),
                    Tab::Audit => view! { <audit::AuditLog/> }.into_any(),
                    Tab::Bans => view! { <bans::Bans/> }.into_any(),
                }}
            </div>
        </section>
    }
}
