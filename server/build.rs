//! Generates the bus messages from `proto/bus.proto` (with protox: no `protoc` needed), reusing
//! the protocol's types from `pianorhythm_core`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-changed=../proto");
    let descriptors = protox::compile(["proto/bus.proto"], ["proto", "../proto"])?;
    prost_build::Config::new()
        .extern_path(".pianorhythm.v1", "::pianorhythm_core::protocol")
        .compile_fds(descriptors)?;
    Ok(())
}
