//! Picking the instrument to play: the grand piano, the built-in General MIDI instruments by
//! family, and the presets of the player's own SoundFont (which stand in for the built-in
//! instruments of the same bank and program), with a search that narrows the list.

use leptos::prelude::*;
use pianorhythm_core::protocol::Instrument;

use crate::live::{use_live, BuiltInInstrument};

/// One group of the list: its label and its `(value, label)` options.
type Group = (String, Vec<(String, String)>);

#[component]
pub fn InstrumentPicker() -> impl IntoView {
    let live = use_live();
    let soundfont = live.soundfont;
    let instrument = live.instrument;
    let built_in = RwSignal::new(Vec::<BuiltInInstrument>::new());
    let search = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    crate::browser::instruments::list_built_in(built_in);

    let pick = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        let own = soundfont.with_untracked(|soundfont| {
            soundfont
                .presets
                .iter()
                .find(|preset| patch_id(preset.bank, preset.program) == value)
                .cloned()
        });
        let chosen = own.or_else(|| {
            built_in.with_untracked(|list| {
                list.iter()
                    .find(|entry| patch_id(entry.bank, entry.program) == value)
                    .map(|entry| Instrument {
                        bank: entry.bank,
                        program: entry.program,
                        name: entry.name.clone(),
                    })
            })
        });
        #[cfg(feature = "hydrate")]
        crate::browser::instruments::choose(&live, chosen);
        #[cfg(not(feature = "hydrate"))]
        let _ = (&live, chosen);
    };

    let groups = move || {
        let chosen = instrument
            .get()
            .map(|chosen| patch_id(chosen.bank, chosen.program));
        let query = search.get();
        let (file, own) =
            soundfont.with(|soundfont| (soundfont.file.clone(), soundfont.presets.clone()));
        built_in.with(|list| groups(list, &file, &own, &query, chosen.as_deref()))
    };

    view! {
        <div class="row picker">
            <label>"Search instruments"
                <input type="search" placeholder="Violin, drums…"
                    prop:value=move || search.get()
                    on:input=move |event| search.set(event_target_value(&event))/>
            </label>
            <label>"Instrument"
                <select on:change=pick>
                    <option value="" selected=move || instrument.get().is_none()>"Grand piano"</option>
                    {move || {
                        let chosen = instrument.get().map(|c| patch_id(c.bank, c.program));
                        groups().into_iter().map(|(label, options)| {
                            let chosen = chosen.clone();
                            view! {
                                <optgroup label=label>
                                    {options.into_iter().map(|(value, label)| {
                                        let selected = chosen.as_deref() == Some(value.as_str());
                                        view! { <option value=value selected=selected>{label}</option> }
                                    }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()
                    }}
                </select>
            </label>
        </div>
    }
}

/// How an instrument is named in the list's values: "bank:program".
fn patch_id(bank: u32, program: u32) -> String {
    format!("{bank}:{program}")
}

/// The list's groups: the built-in instruments by family (but those the own SoundFont
/// `file` has), then the file's presets; only what matches `query` (and always the `chosen`
/// one), empty groups left out.
fn groups(
    built_in: &[BuiltInInstrument],
    file: &str,
    own: &[Instrument],
    query: &str,
    chosen: Option<&str>,
) -> Vec<Group> {
    let query = query.trim().to_lowercase();
    let shown = |value: &str, name: &str| {
        query.is_empty() || name.to_lowercase().contains(&query) || chosen == Some(value)
    };
    let mut groups: Vec<Group> = Vec::new();
    for entry in built_in {
        let value = patch_id(entry.bank, entry.program);
        let own_has = own
            .iter()
            .any(|p| (p.bank, p.program) == (entry.bank, entry.program));
        if own_has || !shown(&value, &entry.name) {
            continue;
        }
        match groups.last_mut() {
            Some((family, options)) if *family == entry.family => {
                options.push((value, entry.name.clone()))
            }
            _ => groups.push((entry.family.clone(), vec![(value, entry.name.clone())])),
        }
    }
    let presets: Vec<(String, String)> = own
        .iter()
        .map(|preset| {
            let value = patch_id(preset.bank, preset.program);
            let label = format!("{} ({}:{})", preset.name, preset.bank, preset.program);
            (value, label)
        })
        .filter(|(value, label)| shown(value, label))
        .collect();
    if !presets.is_empty() {
        groups.push((file.to_owned(), presets));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gm(program: u32, name: &str, family: &str) -> BuiltInInstrument {
        BuiltInInstrument {
            bank: 0,
            program,
            name: name.into(),
            family: family.into(),
        }
    }

    fn list() -> Vec<BuiltInInstrument> {
        vec![
            gm(40, "Violin", "Strings"),
            gm(41, "Viola", "Strings"),
            gm(42, "Cello", "Strings"),
            gm(56, "Trumpet", "Brass"),
            gm(80, "Lead 1 (square)", "Synth Lead"),
        ]
    }

    fn labels(groups: &[Group]) -> Vec<(String, Vec<String>)> {
        groups
            .iter()
            .map(|(group, options)| (group.clone(), options.iter().map(|o| o.1.clone()).collect()))
            .collect()
    }

    #[test]
    fn groups_the_instruments_by_family_then_the_own_file() {
        let own = [Instrument {
            bank: 0,
            program: 80,
            name: "Test Square".into(),
        }];
        let shown = labels(&groups(&list(), "test.sf2", &own, "", None));
        let expected = [
            ("Strings", vec!["Violin", "Viola", "Cello"]),
            ("Brass", vec!["Trumpet"]),
            ("test.sf2", vec!["Test Square (0:80)"]),
        ];
        let expected: Vec<(String, Vec<String>)> = expected
            .iter()
            .map(|(g, o)| (g.to_string(), o.iter().map(|s| s.to_string()).collect()))
            .collect();
        assert_eq!(shown, expected);
    }

    #[test]
    fn a_search_narrows_the_list_but_keeps_the_chosen_instrument() {
        let shown = labels(&groups(&list(), "", &[], "VIOL", None));
        assert_eq!(
            shown,
            [(
                "Strings".to_string(),
                vec!["Violin".to_string(), "Viola".to_string()]
            )]
        );
        let shown = labels(&groups(&list(), "", &[], "viol", Some("0:56")));
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[1].1, ["Trumpet"]);
        assert!(groups(&list(), "", &[], "no such thing", None).is_empty());
    }
}
