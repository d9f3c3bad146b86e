//! The built-in instruments (`/instruments/instruments.json`, written by the build): General
//! MIDI's programs and drum kits, one SoundFont file each. Fetched once, when first needed,
//! however many ask for it at the same time.

use std::{cell::RefCell, rc::Rc};

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::Patch;

const LIST: &str = "/instruments/instruments.json";
/// Where the files lie.
pub const DIRECTORY: &str = "/instruments";

/// One instrument of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltIn {
    pub bank: u8,
    pub program: u8,
    /// General MIDI's name ("Violin").
    pub name: String,
    /// General MIDI's family ("Strings"), or "Drum kits".
    pub family: String,
    /// Its SoundFont's file name, in `DIRECTORY`.
    pub file: String,
}

thread_local! {
    /// The fetch under way (or done): everyone asking awaits the same one.
    static FETCH: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// The list, once read.
    static READ: RefCell<Option<Rc<Vec<BuiltIn>>>> = const { RefCell::new(None) };
}

/// The built-in instruments, in the list's order (by bank and program).
pub async fn list() -> Result<Rc<Vec<BuiltIn>>, String> {
    if let Some(list) = known() {
        return Ok(list);
    }
    let fetch = FETCH.with_borrow_mut(|fetch| {
        fetch
            .get_or_insert_with(|| {
                future_to_promise(async {
                    let response = super::fetch(LIST).await?;
                    JsFuture::from(response.json()?).await
                })
            })
            .clone()
    });
    match JsFuture::from(fetch).await {
        Ok(json) => {
            let list = Rc::new(read(&json));
            READ.set(Some(list.clone()));
            Ok(list)
        }
        Err(error) => {
            // The next one to ask tries again.
            FETCH.set(None);
            Err(super::in_words(error))
        }
    }
}

/// The list if it has been read already.
pub fn known() -> Option<Rc<Vec<BuiltIn>>> {
    READ.with_borrow(Clone::clone)
}

/// The built-in instrument playing `patch`, if the list has been read and has one.
pub fn find(patch: Patch) -> Option<BuiltIn> {
    known()?
        .iter()
        .find(|instrument| (instrument.bank, instrument.program) == patch)
        .cloned()
}

/// The list's entries; one that is not as expected is left out.
fn read(json: &JsValue) -> Vec<BuiltIn> {
    let entries: Array = Reflect::get(json, &"instruments".into())
        .map(|list| Array::from(&list))
        .unwrap_or_default();
    entries
        .iter()
        .filter_map(|entry| {
            let field = |name: &str| Reflect::get(&entry, &name.into()).ok();
            let number = |name: &str| u8::try_from(field(name)?.as_f64()? as u32).ok();
            Some(BuiltIn {
                bank: number("bank")?,
                program: number("program")?,
                name: field("name")?.as_string()?,
                family: field("family")?.as_string()?,
                file: field("file")?.as_string()?,
            })
        })
        .collect()
}
