//! The player's instrument: sound on/off and volume, the instrument played (`InstrumentPicker`)
//! and their own SoundFont, Web MIDI input and output, keyboard layout and octave, and their
//! own name and colour.

use leptos::prelude::*;
use pianorhythm_core::keyboard_layout::Layout;

use super::instrument_picker::InstrumentPicker;
use crate::live::use_live;

#[component]
pub fn InstrumentPanel() -> impl IntoView {
    let live = use_live();
    let midi = live.midi;
    let layout = live.layout;
    let octave = live.octave_shift;
    let volume = live.volume;
    let piano_samples = live.piano_samples;
    let soundfont = live.soundfont;
    let open_soundfont = {
        let live = live.clone();
        move |event: leptos::ev::Event| {
            #[cfg(feature = "hydrate")]
            {
                if let Some(file) = crate::browser::local_file::chosen(&event) {
                    crate::browser::instruments::open_soundfont(live.clone(), file);
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&live, event);
        }
    };
    let connect_midi = {
        let live = live.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            crate::browser::midi::request(live.clone());
            #[cfg(not(feature = "hydrate"))]
            let _ = &live;
        }
    };
    let pick_input = {
        let live = live.clone();
        move |event: leptos::ev::Event| {
            let id = event_target_value(&event);
            #[cfg(feature = "hydrate")]
            crate::browser::midi::select(&live, id);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&live, id);
        }
    };
    let pick_output = {
        let live = live.clone();
        move |event: leptos::ev::Event| {
            let id = Some(event_target_value(&event)).filter(|id| !id.is_empty());
            #[cfg(feature = "hydrate")]
            crate::browser::midi::select_output(&live, id);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&live, id);
        }
    };
    let show_trail = live.show_trail;
    let toggle_trail = move |event: leptos::ev::Event| {
        let shown = event_target_checked(&event);
        show_trail.set(shown);
        #[cfg(feature = "hydrate")]
        crate::browser::trail::remember(shown);
    };
    let pick_layout = {
        let live = live.clone();
        move |event: leptos::ev::Event| {
            if let Some(chosen) = Layout::from_id(&event_target_value(&event)) {
                #[cfg(feature = "hydrate")]
                crate::browser::keyboard::choose_layout(&live, chosen);
                #[cfg(not(feature = "hydrate"))]
                let _ = (&live, chosen);
            }
        }
    };
    let change_volume = move |event: leptos::ev::Event| {
        if let Ok(value) = event_target_value(&event).parse::<f64>() {
            volume.set(value);
            #[cfg(feature = "hydrate")]
            crate::browser::audio::set_volume(value);
        }
    };

    view! {
        <section class="instrument panel">
            <h2>"Instrument"</h2>
            <div class="row">
                <label>"Volume"
                    <input type="range" min="0" max="1" step="0.05"
                        prop:value=move || volume.get().to_string() on:input=change_volume/>
                </label>
                <label>"Keyboard layout"
                    <select on:change=pick_layout>
                        {Layout::ALL.into_iter().map(|option| view! {
                            <option value=option.id() selected=move || layout.get() == option>{option.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || show_trail.get() on:change=toggle_trail/>
                    "Note trail"
                </label>
                <span class="octave" title="Arrow keys shift the octave">
                    "Octave " {move || format!("{:+}", octave.get())}
                </span>
            </div>
            <p class="hint sound">
                <span class="samples" role="status">{move || sample_status(piano_samples.get())}</span>
                " Samples: "
                <a href="https://archive.org/details/SalamanderGrandPianoV3" rel="noopener" target="_blank">
                    "Salamander Grand Piano V3"
                </a>
                " by Alexander Holm, "
                <a href="https://creativecommons.org/licenses/by/3.0/" rel="noopener license" target="_blank">
                    "CC BY 3.0"
                </a>
                ". Instruments: FluidR3 GM by Frank Wen, "
                <a href="https://opensource.org/license/mit" rel="noopener license" target="_blank">"MIT"</a>
                "."
            </p>
            <InstrumentPicker/>
            <div class="row soundfont">
                <label title="A General MIDI SoundFont (.sf2) from your computer">"SoundFont"
                    <input type="file" accept=".sf2" on:change=open_soundfont
                        disabled=move || soundfont.with(|soundfont| soundfont.loading)/>
                </label>
                {move || soundfont.with(|soundfont| {
                    if soundfont.loading {
                        Some(view! { <span class="hint" role="status">"Reading " {soundfont.file.clone()} "…"</span> }.into_any())
                    } else {
                        soundfont.error.as_ref().map(|error| {
                            view! { <span class="hint warning" role="alert">{error.clone()}</span> }.into_any()
                        })
                    }
                })}
            </div>
            <div class="row">
                {move || {
                    let state = midi.get();
                    if !state.requested {
                        view! { <button on:click=connect_midi.clone()>"Connect MIDI"</button> }.into_any()
                    } else if state.inputs.is_empty() {
                        view! { <span class="hint">"Looking for MIDI devices…"</span> }.into_any()
                    } else {
                        let selected = state.selected.clone();
                        view! {
                            <label>"MIDI input"
                                <select on:change=pick_input.clone()>
                                    {state.inputs.into_iter().map(|(id, name)| {
                                        let is_selected = selected.as_deref() == Some(id.as_str());
                                        view! { <option value=id selected=is_selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }.into_any()
                    }
                }}
                {move || {
                    let state = midi.get();
                    (!state.outputs.is_empty()).then(|| {
                        let selected = state.selected_output.clone();
                        view! {
                            <label title="Sends the other players' notes to a digital piano or a synth">"MIDI output"
                                <select on:change=pick_output.clone()>
                                    <option value="" selected=selected.is_none()>"Off"</option>
                                    {state.outputs.into_iter().map(|(id, name)| {
                                        let is_selected = selected.as_deref() == Some(id.as_str());
                                        view! { <option value=id selected=is_selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                    })
                }}
                {move || midi.get().error.map(|error| view! { <span class="hint warning" role="alert">{error}</span> })}
            </div>
            <Profile/>
        </section>
    }
}

/// What the piano sounds like while its samples load.
fn sample_status((loaded, total): (usize, usize)) -> String {
    match (loaded, total) {
        (_, 0) => "Sound: synthesizer until the piano's samples arrive.".into(),
        (loaded, total) if loaded < total => {
            format!("Sound: grand piano, loading samples ({loaded} of {total}).")
        }
        (_, total) => format!("Sound: grand piano ({total} samples)."),
    }
}

#[component]
fn Profile() -> impl IntoView {
    let live = use_live();
    let me = live.me;
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(String::from("#7aa2ff"));
    // Follow the server's view of the player until they start editing.
    Effect::new(move |_| {
        if let Some(me) = me.get() {
            name.set(me.name);
            color.set(me.color);
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        live.set_profile(Some(name.get_untracked()), Some(color.get_untracked()));
    };
    view! {
        <form class="row profile" on:submit=save>
            <label>"Your name"
                <input type="text" maxlength="40" prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label>"Your colour"
                <input type="color" prop:value=move || color.get()
                    on:input=move |e| color.set(event_target_value(&e))/>
            </label>
            <button type="submit">"Save"</button>
        </form>
    }
}
