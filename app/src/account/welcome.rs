//! `/welcome`: a first sign-in picks its usertag (offered from the provider's handle).

use leptos::{form::ActionForm, prelude::*};

use super::{field_error, navigation::load_page};
use crate::server_fns::{pending_usertag, ChooseUsertag};

#[component]
pub fn WelcomePage() -> impl IntoView {
    let pending = Resource::new(|| (), |_| pending_usertag());
    view! {
        <section class="page welcome">
            <h1>"Welcome"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match pending.await.ok().flatten() {
                        Some(suggested) => view! { <UsertagForm suggested/> }.into_any(),
                        None => view! {
                            <p>"No sign-in is waiting for a usertag. " <a href="/signin">"Sign in"</a></p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UsertagForm(suggested: String) -> impl IntoView {
    let choose = ServerAction::<ChooseUsertag>::new();
    let result = choose.value();
    Effect::new(move |_| {
        if let Some(Ok(Ok(return_to))) = result.get() {
            load_page(&return_to);
        }
    });
    view! {
        <p>"Pick the usertag others will find you by: letters, digits, '_', '-' or '.'."</p>
        <ActionForm action=choose>
            <label for="usertag">"Usertag"</label>
            <input id="usertag" name="usertag" value=suggested required minlength="3" maxlength="32"
                autocomplete="username"/>
            {field_error(result, "usertag")}
            {field_error(result, "form")}
            <button type="submit">"Continue"</button>
        </ActionForm>
    }
}
