//! The practice view: a sheet's notes laid out to follow, the ones sounding highlighted while
//! it plays, with play, pause, stop, a tempo control, and "Play in room" while the player is
//! in one (the sheet then plays to everyone there as the player's notes).

use leptos::prelude::*;
use pianorhythm_api::sheets::{PracticeNote, PracticePedal};
use pianorhythm_core::{notes::note_name, protocol::PlayPermission};

use crate::{
    components::notice::Notice,
    live::use_live,
    music::{
        play_state::{PlayState, PlayerSignals},
        playback,
    },
};

/// Notes closer than this start together: one step of the sheet.
const CHORD_MS: f64 = 5.0;

/// Notes that start together, named.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    start_ms: f64,
    names: String,
}

#[component]
pub fn Practice(
    notes: Vec<PracticeNote>,
    pedal: Vec<PracticePedal>,
    tempo_bpm: f64,
) -> impl IntoView {
    let live = use_live();
    let signals = PlayerSignals {
        state: RwSignal::new(PlayState::Stopped),
        into_room: RwSignal::new(false),
        position_ms: RwSignal::new(0.0),
    };
    let speed = RwSignal::new(1.0_f64);
    let steps = steps(&notes);
    let starts: Vec<f64> = steps.iter().map(|step| step.start_ms).collect();
    // The step sounding: the last one started, while the sheet plays or is paused.
    let current = Memo::new(move |_| {
        if signals.state.get() == PlayState::Stopped {
            return None;
        }
        let position = signals.position_ms.get();
        starts
            .partition_point(|start| *start <= position)
            .checked_sub(1)
    });

    #[cfg(feature = "hydrate")]
    {
        use crate::browser::sheet_player;
        let loaded = sheet_player::load(
            live.clone(),
            playback::Playback::new(&notes, &pedal),
            signals,
        );
        on_cleanup(move || sheet_player::unload(loaded));
    }
    // The server's render has no player: the pedal is for the browser's.
    #[cfg(not(feature = "hydrate"))]
    let _ = &pedal;

    let room = live.room;
    let may_play_in_room = {
        let live = live.clone();
        move || {
            room.with(|room| {
                room.as_ref().is_some_and(|room| {
                    room.who_can_play() == PlayPermission::Everyone || live.am_owner()
                })
            })
        }
    };
    let room_name = move || room.with(|room| room.as_ref().map(|room| room.name.clone()));
    let playing = move || signals.state.get() == PlayState::Playing;
    let status = move || match (signals.state.get(), signals.into_room.get(), room_name()) {
        (PlayState::Playing, true, Some(name)) => format!("Playing in {name}"),
        (PlayState::Playing, _, _) => "Playing".to_owned(),
        (PlayState::Paused, _, _) => "Paused".to_owned(),
        (PlayState::Stopped, _, _) => String::new(),
    };

    view! {
        <div class="practice-controls" role="group" aria-label="Practice">
            <button on:click=move |_| command(Command::Play { into_room: false })
                disabled=move || playing() && !signals.into_room.get()>"Play"</button>
            <button on:click=move |_| command(Command::Pause) disabled=move || !playing()>"Pause"</button>
            <button on:click=move |_| command(Command::Stop)
                disabled=move || signals.state.get() == PlayState::Stopped>"Stop"</button>
            <label class="tempo">"Tempo"
                <input type="range" min=percent(playback::MIN_SPEED) max=percent(playback::MAX_SPEED) step="5"
                    prop:value=move || percent(speed.get())
                    on:input=move |event| {
                        let chosen: f64 = event_target_value(&event).parse().unwrap_or(100.0);
                        speed.set(chosen / 100.0);
                        command(Command::Speed(chosen / 100.0));
                    }/>
                <output>{move || format!("{:.0}% ({:.0} bpm)", speed.get() * 100.0, tempo_bpm * speed.get())}</output>
            </label>
            {move || room_name().map(|name| {
                let allowed = may_play_in_room();
                let title = if allowed {
                    format!("Everyone in {name} hears the sheet as your notes")
                } else {
                    format!("Only the owner of {name} may play there")
                };
                view! {
                    <button class="primary" title=title disabled=!allowed
                        on:click=move |_| command(Command::Play { into_room: true })>"Play in room"</button>
                }
            })}
            <span class="meta" role="status">{status}</span>
        </div>
        <Notice/>
        <h2>"Notes"</h2>
        <ol class="sheet-notes" aria-label="Notes">
            {steps
                .into_iter()
                .enumerate()
                .map(|(index, step)| {
                    let sounding = move || current.get() == Some(index);
                    view! {
                        <li class:current=sounding aria-current=move || sounding().then_some("step")>
                            {step.names}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// A speed as the tempo control's whole percent.
fn percent(speed: f64) -> String {
    format!("{:.0}", speed * 100.0)
}

/// What the controls ask of the browser's player (which the server's render does not have).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Command {
    Play { into_room: bool },
    Pause,
    Stop,
    Speed(f64),
}

/// Runs a command in the browser; the server's render has no player.
fn command(command: Command) {
    #[cfg(feature = "hydrate")]
    {
        use crate::browser::sheet_player;
        match command {
            Command::Play { into_room } => sheet_player::play(into_room),
            Command::Pause => sheet_player::pause(),
            Command::Stop => sheet_player::stop(),
            Command::Speed(speed) => sheet_player::set_speed(speed),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = command;
}

/// The notes as steps to follow: each step the names of the notes that start together.
fn steps(notes: &[PracticeNote]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for note in notes {
        match steps.last_mut() {
            Some(step) if note.start_ms - step.start_ms < CHORD_MS => {
                step.names.push(' ');
                step.names.push_str(&note_name(note.key));
            }
            _ => steps.push(Step {
                start_ms: note.start_ms,
                names: note_name(note.key),
            }),
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_starting_together_are_one_step() {
        let note = |start_ms: f64, key: u8| PracticeNote::new(start_ms, 100.0, key, 90);
        let steps = steps(&[note(0.0, 60), note(2.0, 64), note(250.0, 62)]);
        let names: Vec<&str> = steps.iter().map(|step| step.names.as_str()).collect();
        assert_eq!(names.len(), 2);
        assert_eq!(steps[1].start_ms, 250.0);
        assert_eq!(names[0], format!("{} {}", note_name(60), note_name(64)));
    }
}
