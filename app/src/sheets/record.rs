//! Recording the room: "Record" captures what the room hears here (every player, with their
//! velocities and pedals, and sheets played into it); stopping turns it into a MIDI file to
//! download and, for Members, offers to keep it as a sheet.

use leptos::prelude::*;
use pianorhythm_api::sheets::{Recording, SavedRecording};

use super::module::{fetch_for_tool, SheetMusic};
use crate::error_words::in_words;
use crate::{
    account::field_error,
    live::use_live,
    music::recording::MAX_RECORDED_NOTES,
    server_fns::{recording_midi, save_recording},
};

/// A saved recording's category, difficulty and tags: a title is all the player gives.
const CATEGORY: &str = "recording";
const DIFFICULTY: &str = "intermediate";
const TAGS: &str = "recording";

/// The panel: "Record", and once recording, the recorder (from the tools' module). Recording
/// starts at the click, before the recorder's code has arrived.
#[component]
pub fn RecordPanel() -> impl IntoView {
    let module = RwSignal::new(None::<SheetMusic>);
    let started = RwSignal::new(false);
    on_cleanup(|| {
        finish();
    });
    let start = move |_| {
        begin();
        started.set(true);
        fetch_for_tool(module);
    };
    let shown = move || match module.get() {
        Some(module) if started.get() => (module.recorder)(),
        _ => view! {
            <button on:click=start disabled=started>"Record"</button>
            <p class="meta" role="status">
                {move || started.get().then_some("Recording what the room plays…")}
            </p>
        }
        .into_any(),
    };
    view! {
        <section class="panel record" aria-label="Recording">
            <h2>"Recording"</h2>
            {shown}
        </section>
    }
}

/// A recording under way, started by the panel, and what to do with each once stopped: the
/// MIDI file to download and, for Members, keeping it as a sheet. "Record" starts another.
#[component]
pub fn Recorder() -> impl IntoView {
    let live = use_live();
    let recording_on = RwSignal::new(true);
    let recorded = RwSignal::new(None::<Recording>);
    let to_midi = Action::new(|recording: &Recording| recording_midi(recording.clone()));
    let download = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let url = match to_midi.value().get() {
            Some(Ok(bytes)) => object_url(&bytes),
            _ => None,
        };
        if let Some(old) = download.get_untracked() {
            revoke(&old);
        }
        download.set(url);
    });
    on_cleanup(move || {
        if let Some(url) = download.get_untracked() {
            revoke(&url);
        }
    });

    let start = move |_| {
        recorded.set(None);
        to_midi.clear();
        begin();
        recording_on.set(true);
    };
    let stop = move |_| {
        recording_on.set(false);
        let recording = finish().unwrap_or_default();
        if !recording.notes.is_empty() {
            to_midi.dispatch(recording.clone());
        }
        recorded.set(Some(recording));
    };
    let summary = move || {
        recorded.with(|recorded| {
            recorded
                .as_ref()
                .map(|recording| match recording.notes.len() {
                    0 => "Nothing was played while recording.".to_owned(),
                    1 => "1 note recorded.".to_owned(),
                    MAX_RECORDED_NOTES => {
                        format!("{MAX_RECORDED_NOTES} notes recorded, the most a recording keeps.")
                    }
                    count => format!("{count} notes recorded."),
                })
        })
    };
    let midi_error = move || match to_midi.value().get() {
        Some(Err(error)) => Some(view! { <p class="error" role="alert">{in_words(&error)}</p> }),
        _ => None,
    };
    let member = move || !matches!(live.role.get().as_str(), "" | "guest");
    let saveable =
        move || member() && recorded.with(|r| r.as_ref().is_some_and(|r| !r.notes.is_empty()));

    view! {
        {move || if recording_on.get() {
            view! { <button class="danger" on:click=stop>"Stop recording"</button> }.into_any()
        } else {
            view! { <button on:click=start>"Record"</button> }.into_any()
        }}
        <p class="meta" role="status">
            {move || if recording_on.get() { Some("Recording what the room plays…".to_owned()) } else { summary() }}
        </p>
        {move || download.get().map(|url| view! {
            <a class="button" href=url download="recording.mid">"Download MIDI"</a>
        })}
        {midi_error}
        {move || saveable().then(|| view! { <SaveRecording recorded/> })}
    }
}

/// Keeps the recording as a sheet of the player's.
#[component]
fn SaveRecording(recorded: RwSignal<Option<Recording>>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let save = Action::new(|saved: &SavedRecording| save_recording(saved.clone()));
    let result = save.value();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(recording) = recorded.get_untracked() else {
            return;
        };
        save.dispatch(SavedRecording {
            title: title.get_untracked(),
            category: CATEGORY.to_owned(),
            difficulty: DIFFICULTY.to_owned(),
            tags: TAGS.to_owned(),
            recording,
        });
    };
    let saved = move || match result.get() {
        Some(Ok(Ok(sheet))) => Some(view! {
            <p role="status">"Saved as " <a href=format!("/sheets/{}", sheet.id)>{sheet.title}</a></p>
        }),
        _ => None,
    };
    view! {
        <form class="form" on:submit=submit>
            <label for="recording-title">"Title"</label>
            <input id="recording-title" required maxlength="120"
                prop:value=move || title.get() on:input=move |e| title.set(event_target_value(&e))/>
            {field_error(result, "title")}
            {field_error(result, "recording")}
            {field_error(result, "form")}
            <button type="submit">"Save as sheet"</button>
            {saved}
        </form>
    }
}

fn begin() {
    #[cfg(feature = "hydrate")]
    crate::browser::recorder::start();
}

fn finish() -> Option<Recording> {
    #[cfg(feature = "hydrate")]
    return crate::browser::recorder::finish();
    #[cfg(not(feature = "hydrate"))]
    None
}

/// A link to the file, made in the browser.
fn object_url(bytes: &[u8]) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return crate::browser::download::object_url(bytes, "audio/midi");
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = bytes;
        None
    }
}

fn revoke(url: &str) {
    #[cfg(feature = "hydrate")]
    crate::browser::download::revoke(url);
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}
