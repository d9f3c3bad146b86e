//! Command-line options. One struct so every mode (load, idle, baseline relay, several
//! instances) reads the same flags and the JSON report can echo exactly what was asked for.

use clap::Parser;
use pianorhythm_core::{
    rooms::{
        DEFAULT_NOTE_RATE, LOBBY_MAX_PLAYERS, LOBBY_ROOM_NAME, MAX_NOTE_RATE, MAX_PLAYERS_LIMIT,
    },
    sheet_format::MAX_NOTES,
    validation,
};

use crate::wire::MAX_INSTANCES;

/// Load generator for the PianoRhythm server: bots join rooms, senders play notes at a steady
/// rate, every bot measures how many relayed notes arrive and how late. Prints one JSON line on
/// stdout; progress goes to stderr.
#[derive(Parser, Debug, Clone)]
#[command(name = "loadtest")]
pub struct Args {
    /// Bots connected in total (senders included).
    #[arg(long, default_value_t = 100)]
    pub players: u32,

    /// How many of the bots play notes.
    #[arg(long, default_value_t = 100)]
    pub senders: u32,

    /// Notes per second each sender plays.
    #[arg(long, default_value_t = 10.0)]
    pub rate: f64,

    /// Length of the measurement window, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,

    /// Rooms to spread the bots over: 1 uses the permanent "Lobby", more creates load-0, load-1…
    #[arg(long, default_value_t = 1)]
    pub rooms: u32,

    /// Put every bot in the room of this name instead, created by the first bot with the
    /// --room-note-rate quota (joined if it already exists).
    #[arg(long, conflicts_with = "rooms")]
    pub room: Option<String>,

    /// Play music instead of lone note-ons: chords and runs over the 88 keys, every note
    /// released, the sustain pedal down and up every 1.5 s. --rate still counts note-ons.
    #[arg(long)]
    pub music: bool,

    /// Open the window only once a line arrives on stdin, after every bot is in its room: time
    /// for someone else (a browser page under measurement) to join first.
    #[arg(long)]
    pub start_on_stdin: bool,

    /// Server instances. Above 1, the load also runs on that many instances sharing a
    /// `redis-server` and a DATA_DIR, twice: "split" (senders on the first instance, listeners
    /// on the others; with every player sending, each room cut in one block per instance) and
    /// "mixed" (players alternate between instances), next to one instance alone ("single").
    #[arg(long, default_value_t = 1)]
    pub instances: u32,

    /// Use an already running server (ws://host:port) instead of spawning one. With
    /// --baseline-only it names a running relay (`loadtest --serve-baseline`).
    #[arg(long)]
    pub url: Option<String>,

    /// Run this server binary instead of building and running the workspace's: e.g. one built
    /// from an earlier commit, to compare with.
    #[arg(long, conflicts_with = "url")]
    pub server: Option<std::path::PathBuf>,

    /// With --url: the process to take CPU and memory figures from.
    #[arg(long)]
    pub server_pid: Option<u32>,

    /// Also run the same load against a minimal relay and report the ratio to it.
    #[arg(long)]
    pub baseline: bool,

    /// Measure only the minimal relay (spawned, or the one at --url).
    #[arg(long, conflicts_with = "baseline")]
    pub baseline_only: bool,

    /// Instead of playing notes, open this many idle connections and report the server's
    /// memory per connection.
    #[arg(long)]
    pub idle_connections: Option<u32>,

    /// Instead of playing notes, read one big sheet with this many readers at once (its page,
    /// its JSON and its MIDI download in turn) while a player in the Lobby pings, and report
    /// the ping's round trip and the reads per second.
    #[arg(long, conflicts_with_all = ["idle_connections", "baseline", "baseline_only", "url"])]
    pub sheet_reads: Option<u32>,

    /// Notes in the sheet --sheet-reads reads (at most 50,000, the limit of a sheet).
    #[arg(long, default_value_t = 45_000)]
    pub sheet_notes: usize,

    /// What --sheet-reads reads, in turn: `page` (`/sheets/<id>`), `json`
    /// (`GET /api/v1/sheet_music/<id>`), `midi` (the download as MIDI).
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Read::ALL)]
    pub sheet_read_kinds: Vec<Read>,

    /// The server's WORKER_THREADS for --sheet-reads.
    #[arg(long, default_value_t = 1)]
    pub worker_threads: u32,

    /// Instead of playing notes, measure presence and direct messages: a member with this many
    /// friends online moves between rooms, so does one with 99, `--writers` members write to
    /// one at once, and a note goes to 99 listeners in the Lobby, in one run.
    #[arg(long, conflicts_with_all = ["idle_connections", "sheet_reads", "baseline", "baseline_only", "url"])]
    pub friends: Option<u32>,
    /// With --friends: members writing to one member at once.
    #[arg(long, default_value_t = 20)]
    pub writers: u32,
    /// With --friends: rounds measured per scenario, one at a time.
    #[arg(long, default_value_t = 200)]
    pub rounds: u32,
    /// With --friends: direct messages a second in the steady stream (the writers take turns),
    /// `--rounds` of them.
    #[arg(long, default_value_t = 200.0)]
    pub message_rate: f64,
    /// Note quota (notes/s per player) asked for when creating load-N rooms or --room; 0 picks
    /// max(1000, 4 × rate). Capped at the server's maximum.
    #[arg(long, default_value_t = 0)]
    pub room_note_rate: u32,

    /// Connections opened at the same time while setting up.
    #[arg(long, default_value_t = 64)]
    pub connect_concurrency: usize,

    /// Internal: run the minimal relay used as the baseline.
    #[arg(long, hide = true)]
    pub serve_baseline: bool,

    /// Internal: port for --serve-baseline.
    #[arg(long, hide = true, default_value_t = 0)]
    pub port: u16,
}

impl Args {
    /// Rejects combinations that would make the figures meaningless, before anything is spawned.
    pub fn validate(&self) -> Result<(), String> {
        if self.serve_baseline {
            return Ok(());
        }
        self.validate_instances()?;
        if let Some(readers) = self.sheet_reads {
            return self.validate_sheet_reads(readers);
        }
        if let Some(friends) = self.friends {
            return self.validate_social(friends);
        }
        if self.idle_connections.is_some() {
            return Ok(());
        }
        if self.players < 2 {
            return Err("--players must be at least 2 (someone has to listen)".into());
        }
        if self.senders > self.players {
            return Err("--senders cannot exceed --players".into());
        }
        if self.rooms == 0 || self.rooms > self.players {
            return Err("--rooms must be between 1 and --players".into());
        }
        if self.rate <= 0.0 || !self.rate.is_finite() {
            return Err("--rate must be a positive number".into());
        }
        if self.duration <= 0.0 || !self.duration.is_finite() {
            return Err("--duration must be a positive number".into());
        }
        if self.connect_concurrency == 0 {
            return Err("--connect-concurrency must be at least 1".into());
        }
        if let Some(room) = &self.room {
            validation::room_name(room).map_err(|error| format!("--room: {error}"))?;
            if self.players > MAX_PLAYERS_LIMIT {
                return Err(format!("--room holds at most {MAX_PLAYERS_LIMIT} players"));
            }
            return Ok(());
        }
        // The server's room limits; the relay has none, but the baseline must carry the same load.
        let per_room = self.players.div_ceil(self.rooms);
        if self.rooms == 1 && per_room > LOBBY_MAX_PLAYERS {
            return Err(format!(
                "the {LOBBY_ROOM_NAME} holds at most {LOBBY_MAX_PLAYERS} players; use --rooms"
            ));
        }
        if self.rooms > 1 && per_room > MAX_PLAYERS_LIMIT {
            return Err(format!(
                "rooms hold at most {MAX_PLAYERS_LIMIT} players: {per_room} per room needs more --rooms"
            ));
        }
        Ok(())
    }

    /// Several instances are spawned here, each shape on fresh ones: there is nothing to point
    /// `--url` at, and only the note load is measured across instances.
    fn validate_instances(&self) -> Result<(), String> {
        if self.instances == 0 || self.instances > MAX_INSTANCES {
            return Err(format!("--instances must be between 1 and {MAX_INSTANCES}"));
        }
        let alone = self.url.is_some() || self.baseline_only || self.idle_connections.is_some();
        if self.instances > 1 && alone {
            return Err(
                "--instances above 1 spawns its own servers and measures notes: it does not go \
                 with --url, --baseline-only or --idle-connections"
                    .into(),
            );
        }
        Ok(())
    }

    fn validate_social(&self, friends: u32) -> Result<(), String> {
        // The sign-ins number the fans fan000 to fan999.
        if !(1..=1000).contains(&friends) {
            return Err("--friends must be between 1 and 1000".into());
        }
        if self.writers == 0 || self.writers > friends {
            return Err("--writers must be between 1 and --friends".into());
        }
        if self.rounds == 0 {
            return Err("--rounds must be at least 1".into());
        }
        if !(1.0..=2000.0).contains(&self.message_rate) {
            return Err("--message-rate must be between 1 and 2000".into());
        }
        if self.instances > 1 {
            return Err("--friends runs one server: it does not go with --instances".into());
        }
        Ok(())
    }

    fn validate_sheet_reads(&self, readers: u32) -> Result<(), String> {
        if readers == 0 {
            return Err("--sheet-reads must be at least 1".into());
        }
        if !(1..=MAX_NOTES).contains(&self.sheet_notes) {
            return Err(format!("--sheet-notes must be between 1 and {MAX_NOTES}"));
        }
        if self.sheet_read_kinds.is_empty() {
            return Err("--sheet-read-kinds names at least one of page, json, midi".into());
        }
        if self.worker_threads == 0 {
            return Err("--worker-threads must be at least 1".into());
        }
        if self.instances > 1 {
            return Err("--sheet-reads runs one server: it does not go with --instances".into());
        }
        if self.duration <= 0.0 || !self.duration.is_finite() {
            return Err("--duration must be a positive number".into());
        }
        Ok(())
    }

    /// Settings that will work but skew the figures: the Lobby's quota cannot be raised, so
    /// notes above it are dropped by design and show up as a low delivery ratio.
    pub fn warning(&self) -> Option<String> {
        let load = self.idle_connections.is_none() && !self.baseline_only;
        let lobby = self.rooms == 1 && self.room.is_none();
        (load && lobby && self.rate > f64::from(DEFAULT_NOTE_RATE)).then(|| {
            format!(
                "--rate {} exceeds the {LOBBY_ROOM_NAME}'s default quota of {DEFAULT_NOTE_RATE} \
                 notes/s; use --rooms 2 or more to get rooms with a raised quota",
                self.rate
            )
        })
    }

    /// The quota asked for when creating rooms: comfortably above what senders will play,
    /// within what the server accepts.
    pub fn effective_room_note_rate(&self) -> u32 {
        let wanted = if self.room_note_rate > 0 {
            self.room_note_rate
        } else {
            ((self.rate * 4.0).ceil() as u32).max(1000)
        };
        wanted.min(MAX_NOTE_RATE)
    }
}

/// The three reads, taken in turn by every reader (those `--sheet-read-kinds` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Read {
    /// The practice page, rendered on the server.
    Page,
    /// The sheet with its notes, as JSON.
    Json,
    /// The sheet as a MIDI file.
    Midi,
}

impl Read {
    pub const ALL: [Read; 3] = [Read::Page, Read::Json, Read::Midi];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(flags: &[&str]) -> Result<Args, String> {
        let args = Args::try_parse_from(std::iter::once("loadtest").chain(flags.iter().copied()))
            .map_err(|error| error.to_string())?;
        args.validate().map(|()| args)
    }

    #[test]
    fn a_named_room_takes_up_to_the_room_limit_and_is_not_the_lobby() {
        let dense = args(&[
            "--room",
            "Dense",
            "--players",
            "10",
            "--senders",
            "10",
            "--rate",
            "100",
        ]);
        let dense = dense.unwrap();
        assert!(dense.warning().is_none(), "its quota is raised");
        assert_eq!(dense.effective_room_note_rate(), 1000);
        let room = |name, players| args(&["--room", name, "--players", players, "--senders", "2"]);
        assert!(room("Dense", "50").is_ok());
        assert!(room("Dense", "51").is_err());
        assert!(room(" ", "10").is_err());
        assert!(args(&["--room", "Dense", "--rooms", "2", "--senders", "2"]).is_err());
    }

    #[test]
    fn sheet_reads_take_a_sheet_of_a_possible_size() {
        assert!(args(&["--sheet-reads", "90"]).is_ok());
        assert!(args(&["--sheet-reads", "0"]).is_err());
        assert!(args(&["--sheet-reads", "90", "--sheet-notes", "50001"]).is_err());
        assert!(args(&["--sheet-reads", "90", "--idle-connections", "5"]).is_err());
        let json_only = args(&["--sheet-reads", "9", "--sheet-read-kinds", "json,midi"]).unwrap();
        assert_eq!(json_only.sheet_read_kinds, [Read::Json, Read::Midi]);
        assert!(args(&["--sheet-reads", "9", "--sheet-read-kinds", "pdf"]).is_err());
    }
}
