//! One contract for every storage backend: each case below runs, unchanged, against the
//! embedded SQLite store and against MongoDB (a real SecantusDB server the harness starts).

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
    every_role_round_trips_through_an_update,
    location_and_site_ban_are_set_left_and_cleared,
    the_kept_instrument_is_set_cleared_and_outlives_a_settings_save,
    accounts_are_created_with_a_login_and_found_by_it,
    a_linked_login_is_a_conflict_and_a_refused_account_leaves_nothing,
    concurrent_sign_ups_with_one_login_make_one_account,
    rooms_keep_settings_owner_and_bans,
    chat_history_is_ordered_and_kept_per_room,
    a_deleted_chat_message_is_gone_from_its_room_only,
    search_matches_title_creator_or_tag_ignoring_case,
    search_filters_orders_newest_first_and_pages,
    search_text_is_never_a_pattern_or_operator,
    search_finds_exactly_what_the_domain_rule_matches,
    sheet_updates_write_only_named_fields_and_are_validated,
    concurrent_sheet_updates_of_different_fields_all_land,
    a_deleted_sheet_is_gone_from_every_read_search_and_favorites,
    concurrent_favorites_are_all_counted_exactly_once,
    concurrent_downloads_are_all_counted,
    sheet_content_round_trips_byte_for_byte,
    a_sheet_keeps_its_timeline_and_an_old_one_gets_one_later,
    audit_log_is_newest_first_and_per_room,
    audit_entries_keep_every_action_and_where_it_came_from,
    audit_filters_match_action_actor_and_target_and_page,
    reports_round_trip_newest_first_by_status_and_page,
    a_report_is_closed_once_and_keeps_who_closed_it,
    concurrent_closes_of_one_report_close_it_once,
    site_bans_in_force_are_newest_first_and_lifted_ones_are_gone,
    blocks_are_per_owner_newest_first_and_unblocked_once,
    a_request_is_accepted_once_and_either_side_ends_it,
    crossing_requests_make_friends,
    last_seen_keeps_the_latest_time,
    conversations_page_back_and_count_what_is_unread,
    messages_sent_at_once_are_all_kept_and_counted,
    a_recipient_is_read_with_blocks_either_way_and_friendship,
    recipients_asked_at_once_each_get_their_own,
    sending_answers_both_members_counts,
    notifications_keep_the_newest_and_are_read_together,
    sessions_expire_and_their_ids_are_unique,
    a_refresh_token_is_fresh_once_then_reuse_revokes_its_family,
    expired_and_unknown_refresh_tokens_are_invalid,
    revoking_an_account_invalidates_its_tokens_and_no_one_elses,
    concurrent_redeems_of_one_token_yield_exactly_one_fresh,
    a_family_keeps_when_it_began,
    expired_refresh_tokens_are_purged_and_live_ones_kept,
    ending_tokens_bumps_the_version_once_per_write_and_concurrently,
    acknowledged_writes_survive_a_crash,
);
