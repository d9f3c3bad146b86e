//! What a player can do about another from a profile or a room's player list: anyone blocks
//! or reports them; staff ban their account from the site; admins set its roles. A room's
//! player menu (profile, mute, block, report) comes from its occasional tools' module
//! (`sheets::module`), loaded only when a player opens one.

use leptos::{ev::SubmitEvent, prelude::*};
use pianorhythm_api::{
    social::BlockForm,
    staff::{ReportForm, SiteBanForm},
};

use super::friends::FriendButton;
use crate::error_words::in_words;
use crate::{
    live::use_live,
    server_fns_social::{block_player, list_blocks, unblock_player},
    server_fns_staff::{ReportPlayer, SetRoles, SiteBan},
};

/// The site ban lengths staff choose from: the label, and seconds (none: permanent).
const BAN_LENGTHS: [(&str, Option<u64>); 4] = [
    ("1 hour", Some(60 * 60)),
    ("1 day", Some(24 * 60 * 60)),
    ("1 week", Some(7 * 24 * 60 * 60)),
    ("Permanent", None),
];

/// The length picked when the form opens: a day.
const DEFAULT_LENGTH: usize = 1;

/// The roles an admin gives or takes (every account is a member anyway).
const ROLES: [(&str, &str); 3] = [
    ("pro", "Pro"),
    ("moderator", "Moderator"),
    ("admin", "Admin"),
];

/// The longest reason, as the server checks it.
const MAX_REASON_CHARS: &str = "500";

/// Whom a room's player list opens the forms about.
#[derive(Clone, Debug)]
pub struct PlayerTool {
    /// The player's participant id (an account id for members).
    pub target_id: String,
    /// Their name, for the form's label.
    pub target_name: String,
    /// A member's usertag, for their profile's link; empty for a guest.
    pub usertag: String,
}

/// A player's menu in a room's player list: their profile, "Add friend" and "Message"
/// (members), "Mute" (this device's sound, remembered), "Block", and "Report" with its forms.
#[component]
pub fn PlayerMenu(tool: PlayerTool) -> impl IntoView {
    let live = use_live();
    let PlayerTool {
        target_id,
        target_name,
        usertag,
    } = tool.clone();
    let profile = (!usertag.is_empty()).then(|| {
        view! { <a class="button small" href=format!("/user/{usertag}")>"Profile"</a> }
    });
    // Friends are members, asked by members.
    let signed_in = live.role.get_untracked() != "guest";
    let befriend = (signed_in && !usertag.is_empty()).then(|| {
        view! {
            <FriendButton player_id=target_id.clone() usertag=usertag.clone()/>
            <a class="button small" href=format!("/messages/{usertag}")>"Message"</a>
        }
    });
    let muted = {
        let (live, id) = (live.clone(), target_id.clone());
        Signal::derive(move || live.muted.with(|muted| muted.contains(&id)))
    };
    let toggle_mute = {
        let id = target_id.clone();
        move |_| live.toggle_mute(&id)
    };
    let reporting = RwSignal::new(false);
    view! {
        <div class="player-menu" role="group" aria-label=format!("{target_name}: menu")>
            {profile}
            {befriend}
            <button class="small" aria-label=format!("Mute {target_name}")
                aria-pressed=move || muted.get().to_string() on:click=toggle_mute>
                {move || if muted.get() { "Unmute" } else { "Mute" }}
            </button>
            <BlockButton player_id=target_id name=target_name.clone()/>
            <button class="small" aria-label=format!("Report {target_name}")
                aria-expanded=move || reporting.get().to_string()
                on:click=move |_| reporting.update(|open| *open = !*open)>"Report"</button>
            {move || reporting.get().then(|| view! { <PlayerToolForm tool=tool.clone()/> })}
        </div>
    }
}

/// "Block" or "Unblock": a blocked player's notes and chat no longer reach this player, in
/// any room. What the list holds is asked when the button appears (in the browser), so the
/// button waits for it.
#[component]
pub fn BlockButton(player_id: String, name: String) -> impl IntoView {
    let blocked = RwSignal::new(None::<bool>);
    let outcome = RwSignal::new(None::<Result<&'static str, String>>);
    Effect::new({
        let player_id = player_id.clone();
        move || {
            let player_id = player_id.clone();
            leptos::task::spawn_local(async move {
                match list_blocks().await {
                    Ok(list) => blocked.set(Some(list.iter().any(|b| b.player_id == player_id))),
                    Err(error) => outcome.set(Some(Err(in_words(&error)))),
                }
            });
        }
    });
    let toggle = move |_| {
        let Some(was_blocked) = blocked.get_untracked() else {
            return;
        };
        let (player_id, name) = (player_id.clone(), name.clone());
        leptos::task::spawn_local(async move {
            let done = match was_blocked {
                true => unblock_player(player_id).await.map(|()| "Unblocked."),
                false => block_player(BlockForm { player_id, name })
                    .await
                    .map(|_| "Blocked: you no longer hear or read them."),
            };
            if done.is_ok() {
                blocked.set(Some(!was_blocked));
            }
            outcome.set(Some(done.map_err(|error| in_words(&error))));
        });
    };
    view! {
        <button class="small" disabled=move || blocked.get().is_none()
            aria-pressed=move || blocked.get().unwrap_or_default().to_string() on:click=toggle>
            {move || if blocked.get() == Some(true) { "Unblock" } else { "Block" }}
        </button>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(done) => view! { <p class="saved" role="status">{done}</p> }.into_any(),
            Err(error) => view! { <p class="field-error" role="alert">{error}</p> }.into_any(),
        })}
    }
}

/// The forms a room's player list opens about a player: "Report", and for staff (who may
/// ban from the site) "Ban from site" too.
#[component]
pub fn PlayerToolForm(tool: PlayerTool) -> impl IntoView {
    let PlayerTool {
        target_id,
        target_name,
        ..
    } = tool;
    let live = use_live();
    // The room they are in: its last chat lines go with the report.
    let room_id = live
        .room
        .with_untracked(|room| room.as_ref().map(|room| room.id.clone()));
    let staff = live.am_staff();
    let ban = staff.then(|| {
        view! { <SiteBanPlayerForm target_id=target_id.clone() target_name=target_name.clone()/> }
    });
    view! {
        <ReportPlayerForm target_id target_name room_id/>
        {ban}
    }
}

/// "Report": a reason (1 to 500 characters) for the staff.
#[component]
pub fn ReportPlayerForm(
    target_id: String,
    target_name: String,
    room_id: Option<String>,
) -> impl IntoView {
    let report = ServerAction::<ReportPlayer>::new();
    let reason = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let form = ReportForm {
            target_id: target_id.clone(),
            room_id: room_id.clone(),
            reason: reason.get_untracked(),
        };
        report.dispatch(ReportPlayer { form });
    };
    view! {
        <form class="player-tool" aria-label=format!("Report {target_name}") on:submit=submit>
            <ReasonField reason required=true/>
            <button type="submit">"Report"</button>
            <Outcome result=report.value() done="Reported: staff will look at it."/>
        </form>
    }
}

/// "Ban from site": how long, and why.
#[component]
pub fn SiteBanPlayerForm(target_id: String, target_name: String) -> impl IntoView {
    let ban = ServerAction::<SiteBan>::new();
    let length = RwSignal::new(DEFAULT_LENGTH);
    let reason = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let seconds = BAN_LENGTHS[length.get_untracked()].1;
        let form = SiteBanForm {
            account_id: target_id.clone(),
            duration_seconds: seconds.unwrap_or_default(),
            permanent: seconds.is_none(),
            reason: reason.get_untracked(),
        };
        ban.dispatch(SiteBan { form });
    };
    let lengths = BAN_LENGTHS
        .iter()
        .enumerate()
        .map(|(index, (label, _))| {
            view! { <option value=index.to_string() selected=index == DEFAULT_LENGTH>{*label}</option> }
        })
        .collect_view();
    view! {
        <form class="player-tool" aria-label=format!("Ban {target_name} from the site") on:submit=submit>
            <label>"Duration"
                <select on:change=move |event| {
                    length.set(event_target_value(&event).parse().unwrap_or(DEFAULT_LENGTH))
                }>{lengths}</select>
            </label>
            <ReasonField reason required=false/>
            <button type="submit" class="danger">"Ban from site"</button>
            <Outcome result=ban.value() done="Banned from the site."/>
        </form>
    }
}

/// "Roles": a checkbox per role, and "Save roles".
#[component]
pub fn RolesForm(account_id: String, roles: Vec<String>) -> impl IntoView {
    let save = ServerAction::<SetRoles>::new();
    let checked = ROLES.map(|(role, _)| RwSignal::new(roles.iter().any(|held| held == role)));
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let roles = ROLES
            .iter()
            .zip(checked)
            .filter(|(_, on)| on.get_untracked())
            .map(|((role, _), _)| (*role).to_owned())
            .collect();
        let account_id = account_id.clone();
        save.dispatch(SetRoles { account_id, roles });
    };
    let boxes = ROLES
        .iter()
        .zip(checked)
        .map(|((_, label), on)| {
            view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || on.get()
                        on:change=move |event| on.set(event_target_checked(&event))/>
                    {*label}
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="player-tool" aria-label="Roles" on:submit=submit>
            {boxes}
            <button type="submit">"Save roles"</button>
            <Outcome result=save.value() done="Roles saved."/>
        </form>
    }
}

/// The reason field both forms share.
#[component]
fn ReasonField(reason: RwSignal<String>, required: bool) -> impl IntoView {
    view! {
        <label>"Reason"
            <input type="text" maxlength=MAX_REASON_CHARS required=required
                prop:value=move || reason.get()
                on:input=move |event| reason.set(event_target_value(&event))/>
        </label>
    }
}

/// What came of a form's last submission: `done`, or the server's refusal.
#[component]
fn Outcome<T, S>(result: S, done: &'static str) -> impl IntoView
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<T, ServerFnError>>> + Copy + Send + Sync + 'static,
{
    move || {
        result.with(|result| match result {
            Some(Ok(_)) => Some(view! { <p class="saved" role="status">{done}</p> }.into_any()),
            Some(Err(error)) => {
                Some(view! { <p class="field-error" role="alert">{in_words(error)}</p> }.into_any())
            }
            None => None,
        })
    }
}
