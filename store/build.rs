//! `sqlx::migrate!` embeds the migrations in the library but does not tell cargo to watch
//! them: without this, a new or changed migration would not rebuild the store.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
