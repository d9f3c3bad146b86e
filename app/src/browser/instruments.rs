//! The player's instrument: the built-in General MIDI instruments, opening a SoundFont from
//! disk and picking one of its presets, or the grand piano again.

use leptos::{prelude::*, task::spawn_local};
use pianorhythm_core::protocol::Instrument;
use web_sys::File;

use super::{audio, notes};
use crate::live::{BuiltInInstrument, Live, SoundFontState};

/// Fills `list` with the built-in instruments once their list has arrived.
pub fn list_built_in(list: RwSignal<Vec<BuiltInInstrument>>) {
    spawn_local(async move {
        if let Ok(instruments) = audio::built_in_instruments().await {
            list.set(
                instruments
                    .iter()
                    .map(|instrument| BuiltInInstrument {
                        bank: instrument.bank.into(),
                        program: instrument.program.into(),
                        name: instrument.name.clone(),
                        family: instrument.family.clone(),
                    })
                    .collect(),
            );
        }
    });
}

/// Reads `file` into the SoundFont player; the panel then lists its presets. A preset the
/// player had chosen that neither the new SoundFont nor the built-in instruments have gives
/// way to the piano.
pub fn open_soundfont(live: Live, file: File) {
    let name = file.name();
    live.soundfont.set(SoundFontState {
        file: name.clone(),
        loading: true,
        ..SoundFontState::default()
    });
    spawn_local(async move {
        let state = match audio::load_soundfont(file).await {
            Ok(presets) => SoundFontState {
                file: name,
                presets: presets
                    .into_iter()
                    .map(|preset| Instrument {
                        bank: preset.bank.into(),
                        program: preset.program.into(),
                        name: preset.name,
                    })
                    .collect(),
                ..SoundFontState::default()
            },
            Err(why) => SoundFontState {
                file: name,
                error: Some(format!("This file cannot be played: {why}")),
                ..SoundFontState::default()
            },
        };
        let chosen_is_gone = live.instrument.with_untracked(|chosen| {
            chosen.as_ref().is_some_and(|chosen| {
                let in_file = state
                    .presets
                    .iter()
                    .any(|p| (p.bank, p.program) == (chosen.bank, chosen.program));
                let built_in = u8::try_from(chosen.bank)
                    .ok()
                    .zip(u8::try_from(chosen.program).ok())
                    .is_some_and(audio::has_built_in);
                !in_file && !built_in
            })
        });
        live.soundfont.set(state);
        if chosen_is_gone {
            choose(&live, None);
        }
    });
}

/// The player plays `instrument` from now on (`None`: the piano), and the room is told.
pub fn choose(live: &Live, instrument: Option<Instrument>) {
    notes::choose_patch_local(instrument.as_ref().and_then(audio::patch_of));
    live.instrument.set(instrument);
    live.announce_instrument();
}

/// The instrument the server kept from the player's last visit: played with from now on, as
/// if chosen, without telling the room (it shows it already).
pub fn restore(live: &Live, instrument: Option<Instrument>) {
    notes::hear_patch_local(instrument.as_ref().and_then(audio::patch_of));
    live.instrument.set(instrument);
}
