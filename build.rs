//! Generates the protocol types from `proto/` with protox (pure Rust, no `protoc` binary needed).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let descriptors = protox::compile(["proto/pianorhythm.proto"], ["proto"])?;
    prost_build::Config::new()
        // One room summary for the wire, the JSON API and server functions alike.
        .type_attribute(
            ".pianorhythm.v1.RoomSummary",
            // Fields an older instance does not send take their defaults. Equality and hashing
            // as before it named its players (prost derives them only for flat messages), for
            // the bus's messages that carry it.
            "#[derive(Eq, Hash, serde::Serialize, serde::Deserialize)] #[serde(rename_all = \"camelCase\", default)]",
        )
        // The players a room summary names, as JSON too.
        .type_attribute(
            ".pianorhythm.v1.RoomPlayer",
            "#[derive(serde::Serialize, serde::Deserialize)]",
        )
        // One instrument for the wire, an account's settings and a guest's session alike.
        .type_attribute(
            ".pianorhythm.v1.Instrument",
            "#[derive(serde::Serialize, serde::Deserialize)]",
        )
        .compile_fds(descriptors)?;
    Ok(())
}
