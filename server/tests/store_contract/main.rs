//! One contract for every storage backend: each case below runs, unchanged, against the
//! embedded SQLite store and against MongoDB (a real SecantusDB server the harness starts).

#[path = "../support/secantus.rs"]
mod secantus;

mod backends;
mod cases;

/// One test per case and backend, so a failure names both.
macro_rules! contract {
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let mut backend = crate::backends::Backend::sqlite().await;
                    crate::cases::$case(&mut backend).await;
                }
            )+
        }
        mod mongodb {
            $(
                #[tokio::test]
                async fn $case() {
                    let mut backend = crate::backends::Backend::mongodb().await;
                    crate::cases::$case(&mut backend).await;
                }
            )+
        }
    };
}

contract!(
    users_round_trip_and_are_found_by_usertag_or_email_ignoring_case,
    a_taken_usertag_or_email_is_a_conflict,
    usertag_lookup_is_exact_never_a_pattern,
    unknown_or_malformed_ids_are_not_found,
    invalid_input_is_refused,
    profile_updates_write_only_named_fields_so_concurrent_ones_both_land,
    rooms_keep_settings_owner_and_bans,
    chat_history_is_ordered_and_kept_per_room,
    search_matches_title_creator_or_tag_ignoring_case,
    search_filters_orders_newest_first_and_pages,
    search_text_is_never_a_pattern_or_operator,
    concurrent_favorites_are_all_counted_exactly_once,
    concurrent_downloads_are_all_counted,
    sheet_content_round_trips_byte_for_byte,
    audit_log_is_newest_first_and_per_room,
    sessions_expire_and_their_ids_are_unique,
    acknowledged_writes_survive_a_crash,
);
