//! Splits a General MIDI SoundFont into one file per instrument and writes their list:
//!   split-soundfont INPUT.sf2 OUTPUT_DIR "CREDIT"
//! scripts/build.sh runs it on FluidR3 GM for the site's `/instruments`.

#[cfg(not(target_arch = "wasm32"))]
use std::{path::PathBuf, process::ExitCode};

#[cfg(not(target_arch = "wasm32"))]
use soundfont::catalogue::{self, Catalogue};

/// The splitter runs natively at build time: the worklet's module has no use for it.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, credit] = arguments.as_slice() else {
        eprintln!("usage: split-soundfont INPUT.sf2 OUTPUT_DIR CREDIT");
        return ExitCode::from(2);
    };
    match split(input.into(), output.into(), credit.clone()) {
        Ok(count) => {
            println!("{count} instruments written to {output}");
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("split-soundfont: {input}: {why}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn split(input: PathBuf, output: PathBuf, credit: String) -> Result<usize, String> {
    let sf2 = std::fs::read(&input).map_err(|error| error.to_string())?;
    let parts = catalogue::parts(&sf2).map_err(|error| error.to_string())?;
    std::fs::create_dir_all(&output).map_err(|error| error.to_string())?;
    for part in &parts {
        std::fs::write(output.join(&part.entry.file), &part.bytes)
            .map_err(|error| error.to_string())?;
    }
    let list = Catalogue {
        credit,
        instruments: parts.into_iter().map(|part| part.entry).collect(),
    };
    let json = serde_json::to_string(&list).map_err(|error| error.to_string())?;
    std::fs::write(output.join(catalogue::LIST), json).map_err(|error| error.to_string())?;
    Ok(list.instruments.len())
}
