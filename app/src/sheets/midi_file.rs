//! "Open MIDI file": a `.mid` from the player's computer played into the room as their notes,
//! read in the page (nothing is uploaded) by the same reader as the server's sheet uploads, and
//! played by the same player as a sheet played into a room, so the room's note quota and "who
//! may play" apply alike. Play, Pause, Seek, Tempo, and which tracks (or channels) to play.

use leptos::prelude::*;
use pianorhythm_core::{
    protocol::PlayPermission,
    sheet_format::{self, MidiParts},
};

use super::module::{fetch_for_tool, SheetMusic};
use crate::{
    live::use_live,
    music::{
        play_state::{PlayState, PlayerSignals},
        playback,
    },
};

/// What the panel shows of the opened file.
#[derive(Clone, Debug, PartialEq)]
struct Opened {
    /// The file's name, as the player knows it.
    file_name: String,
    /// Each part's name, in the order of [`MidiParts::parts`].
    part_names: Vec<String>,
    /// Its length at its own tempo, for the Seek slider.
    length_ms: f64,
}

/// The panel's state, shared by its controls.
#[derive(Clone, Copy)]
struct Panel {
    /// What the player shows of the file as it plays.
    signals: PlayerSignals,
    /// The file open in the panel, if any.
    opened: RwSignal<Option<Opened>>,
    /// Why the last file could not be opened.
    problem: RwSignal<Option<String>>,
    /// Which parts play, by index.
    chosen: RwSignal<Vec<bool>>,
    /// The tempo: 1.0 is the file's own.
    speed: RwSignal<f64>,
    /// The file's notes by part, to play the chosen ones.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    parts: StoredValue<Option<MidiParts>>,
    /// The browser player's id of the file, to unload it with the page.
    loaded: StoredValue<Option<u64>>,
}

/// A file the player chose, read whole in the page.
#[derive(Clone)]
pub struct ChosenFile {
    /// Its name, as the player knows it.
    name: String,
    /// Its bytes, shared by the views that show it.
    bytes: std::sync::Arc<[u8]>,
}

/// The panel: "Open MIDI file", and once a file is chosen, its player (from the tools' module).
#[component]
pub fn MidiFilePanel() -> impl IntoView {
    let chosen = RwSignal::new(None::<ChosenFile>);
    let problem = RwSignal::new(None::<String>);
    let module = RwSignal::new(None::<SheetMusic>);
    let open = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(file) = crate::browser::local_file::chosen(&event) {
                fetch_for_tool(module);
                leptos::task::spawn_local(choose(file, chosen, problem));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, chosen, problem, fetch_for_tool);
    };
    let player = move || {
        let player = module.get()?.midi_file_player;
        Some(player(chosen.get()?))
    };
    view! {
        <section class="panel midi-file" aria-label="MIDI file">
            <h2>"MIDI file"</h2>
            <label title="A MIDI file from your computer, played into the room as your notes">
                "Open MIDI file"
                <input type="file" accept=".mid,.midi,audio/midi" on:change=open/>
            </label>
            {move || problem.get().map(|problem| view! { <p class="error" role="alert">{problem}</p> })}
            {player}
        </section>
    }
}

/// Reads the file the player chose, for its player; tells them if it cannot be read.
#[cfg(feature = "hydrate")]
async fn choose(
    file: web_sys::File,
    chosen: RwSignal<Option<ChosenFile>>,
    problem: RwSignal<Option<String>>,
) {
    problem.set(None);
    let name = file.name();
    // Sizes are whole bytes, so the cast is exact; a file too big to read is refused unread.
    let bytes = match sheet_format::within_limit(file.size() as usize) {
        Ok(()) => crate::browser::local_file::bytes(&file).await,
        Err(error) => Err(error.to_string()),
    };
    match bytes {
        Ok(bytes) => chosen.set(Some(ChosenFile {
            name,
            bytes: bytes.into(),
        })),
        Err(error) => problem.set(Some(format!("Cannot open {name}: {error}"))),
    }
}

/// A chosen file's player: the file read as MIDI, and its controls.
#[component]
pub fn Player(chosen: ChosenFile) -> impl IntoView {
    let live = use_live();
    let panel = Panel {
        signals: PlayerSignals {
            state: RwSignal::new(PlayState::Stopped),
            into_room: RwSignal::new(false),
            position_ms: RwSignal::new(0.0),
        },
        opened: RwSignal::new(None),
        problem: RwSignal::new(None),
        chosen: RwSignal::new(Vec::new()),
        speed: RwSignal::new(1.0),
        parts: StoredValue::new(None),
        loaded: StoredValue::new(None),
    };
    on_cleanup(move || {
        if let Some(id) = panel.loaded.try_get_value().flatten() {
            command(Command::Unload(id));
        }
    });
    match read(&chosen.name, &chosen.bytes) {
        Ok(parts) => ready(live, panel, chosen.name, parts),
        Err(problem) => panel.problem.set(Some(problem)),
    }
    let problem = move || {
        panel
            .problem
            .get()
            .map(|problem| view! { <p class="error" role="alert">{problem}</p> })
    };
    view! {
        {problem}
        {move || panel.opened.get().map(|opened| view! { <Controls panel opened/> })}
    }
}

/// Play, Pause, Seek, Tempo and Tracks for the opened file.
#[component]
fn Controls(panel: Panel, opened: Opened) -> impl IntoView {
    let live = use_live();
    let room = live.room;
    let may_play = Signal::derive(move || {
        room.with(|room| {
            room.as_ref().is_some_and(|room| {
                room.who_can_play() == PlayPermission::Everyone || live.am_owner()
            })
        })
    });
    let signals = panel.signals;
    let playing = move || signals.state.get() == PlayState::Playing;
    let status = move || match signals.state.get() {
        PlayState::Playing => room
            .with(|room| {
                room.as_ref()
                    .map(|room| format!("Playing in {}", room.name))
            })
            .unwrap_or_default(),
        PlayState::Paused => "Paused".to_owned(),
        PlayState::Stopped => String::new(),
    };
    // The slider follows the music, except while the player drags it.
    let dragged = RwSignal::new(None::<f64>);
    let length_ms = opened.length_ms;
    let shown_ms = move || dragged.get().unwrap_or_else(|| signals.position_ms.get());
    let speed = panel.speed;
    let parts = opened
        .part_names
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let checked = move || panel.chosen.with(|chosen| chosen.get(index) == Some(&true));
            let toggle = move |event: leptos::ev::Event| {
                let on = event_target_checked(&event);
                panel.chosen.update(|chosen| {
                    if let Some(part) = chosen.get_mut(index) {
                        *part = on;
                    }
                });
                command(Command::Parts(panel));
            };
            view! {
                <label><input type="checkbox" prop:checked=checked on:change=toggle/>{name}</label>
            }
        })
        .collect_view();

    view! {
        <p class="meta">{opened.file_name}</p>
        <div class="practice-controls" role="group" aria-label="MIDI file player">
            <button class="primary" on:click=move |_| command(Command::Play)
                disabled=move || playing() || !may_play.get()
                title=move || (!may_play.get()).then_some("Only the room owner may play here")>"Play"</button>
            <button on:click=move |_| command(Command::Pause) disabled=move || !playing()>"Pause"</button>
            <label class="seek">"Seek"
                <input type="range" min="0" max=whole_ms(length_ms) step="10"
                    prop:value=move || whole_ms(shown_ms())
                    on:input=move |event| dragged.set(event_target_value(&event).parse().ok())
                    on:change=move |event| {
                        dragged.set(None);
                        if let Ok(position) = event_target_value(&event).parse() {
                            command(Command::Seek(position));
                        }
                    }/>
                <output>{move || format!("{} / {}", clock(shown_ms()), clock(length_ms))}</output>
            </label>
            <label class="tempo">"Tempo"
                <input type="range" min=percent(playback::MIN_SPEED) max=percent(playback::MAX_SPEED) step="5"
                    prop:value=move || percent(speed.get())
                    on:input=move |event| {
                        let chosen: f64 = event_target_value(&event).parse().unwrap_or(100.0);
                        speed.set(chosen / 100.0);
                        command(Command::Speed(chosen / 100.0));
                    }/>
                <output>{move || format!("{}%", percent(speed.get()))}</output>
            </label>
            <span class="meta" role="status">{status}</span>
        </div>
        <fieldset class="tracks">
            <legend>"Tracks"</legend>
            {parts}
        </fieldset>
    }
}

/// A time as whole milliseconds, for a slider.
fn whole_ms(ms: f64) -> String {
    format!("{}", ms.max(0.0).round() as u64)
}

/// A time as minutes and seconds.
fn clock(ms: f64) -> String {
    let seconds = (ms.max(0.0) / 1000.0) as u64;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A speed as the tempo control's whole percent.
fn percent(speed: f64) -> String {
    format!("{:.0}", speed * 100.0)
}

/// A MIDI file's notes by part, or what to tell the player: why it cannot be read, or that it
/// has nothing to play.
fn read(file_name: &str, bytes: &[u8]) -> Result<MidiParts, String> {
    let parts = sheet_format::read_midi_parts(bytes)
        .map_err(|error| format!("Cannot open {file_name}: {error}"))?;
    if parts.parts.is_empty() {
        return Err(format!("{file_name} has no notes to play."));
    }
    Ok(parts)
}

/// Readies a file's parts to play.
fn ready(live: crate::live::Live, panel: Panel, file_name: String, parts: MidiParts) {
    let mut playback = playback::Playback::of_score(&parts.score(|_| true));
    playback.set_speed(panel.speed.get_untracked());
    let opened = Opened {
        file_name,
        part_names: parts.parts.iter().map(|part| part.name.clone()).collect(),
        length_ms: playback.length_ms(),
    };
    #[cfg(feature = "hydrate")]
    panel
        .loaded
        .set_value(Some(crate::browser::sheet_player::load(
            live,
            playback,
            panel.signals,
        )));
    #[cfg(not(feature = "hydrate"))]
    let _ = live;
    panel.chosen.set(vec![true; parts.parts.len()]);
    panel.parts.set_value(Some(parts));
    panel.opened.set(Some(opened));
}

/// What the controls ask of the browser's player (which the server's render does not have).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Command {
    Play,
    Pause,
    Seek(f64),
    Speed(f64),
    /// The chosen parts changed.
    Parts(Panel),
    /// The page is gone.
    Unload(u64),
}

/// Runs a command in the browser; the server's render has no player.
fn command(command: Command) {
    #[cfg(feature = "hydrate")]
    {
        use crate::browser::sheet_player;
        match command {
            Command::Play => sheet_player::play(true),
            Command::Pause => sheet_player::pause(),
            Command::Seek(position_ms) => sheet_player::seek(position_ms),
            Command::Speed(speed) => sheet_player::set_speed(speed),
            Command::Parts(panel) => {
                let chosen = panel.chosen.get_untracked();
                let score = panel.parts.with_value(|parts| {
                    parts
                        .as_ref()
                        .map(|parts| parts.score(|index| chosen.get(index) == Some(&true)))
                });
                if let Some(score) = score {
                    sheet_player::set_score(&score);
                }
            }
            Command::Unload(id) => sheet_player::unload(id),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = command;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cannot_be_played_is_said_in_words() {
        assert_eq!(
            read("empty.mid", b"").unwrap_err(),
            "Cannot open empty.mid: MIDI header: the file is empty"
        );
        assert!(read("notes.txt", b"t y u")
            .unwrap_err()
            .starts_with("Cannot open notes.txt: MIDI header: not a MIDI file"));
        let too_large = vec![0; pianorhythm_core::domain::sheet_music::MAX_CONTENT_BYTES + 1];
        assert!(read("huge.mid", &too_large)
            .unwrap_err()
            .contains("over the limit"));
        // A header and one track with nothing but its end.
        let silent = b"MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk\0\0\0\x04\0\xFF\x2F\0";
        assert_eq!(
            read("silent.mid", silent).unwrap_err(),
            "silent.mid has no notes to play."
        );
    }

    #[test]
    fn times_are_shown_in_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(61_999.0), "1:01");
        assert_eq!(whole_ms(1_234.6), "1235");
        assert_eq!(whole_ms(-3.0), "0");
    }
}
