//! Generates the bus messages from `proto/bus.proto` (with protox: no `protoc` needed), reusing
//! the protocol's types from `pianorhythm_core`.
//!
//! `sqlx::migrate!` embeds the migrations in the binary but does not tell cargo to watch
//! them: without the second line, a new or changed migration would not rebuild the server.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-changed=../proto");
    println!("cargo:rerun-if-changed=migrations");
    let descriptors = protox::compile(["proto/bus.proto"], ["proto", "../proto"])?;
    prost_build::Config::new()
        .extern_path(".pianorhythm.v1", "::pianorhythm_core::protocol")
        .compile_fds(descriptors)?;
    Ok(())
}
