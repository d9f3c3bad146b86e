//! The header's counts (unread conversations and notifications), for several members in one
//! statement: a group of messages written together counts for all its members at once.

use std::collections::HashMap;

use pianorhythm_core::domain::inbox::UnreadCounts;
use sqlx::{QueryBuilder, Sqlite, SqliteExecutor};

use super::unavailable;
use crate::StoreResult;

/// Each of `members`' counts, read through `executor`. A member with nothing unread is counted
/// with zeros. (A group of messages reads its members' counts inside its own transaction,
/// with [`push_unread_counts`].)
pub(super) async fn unread_counts<'c>(
    executor: impl SqliteExecutor<'c>,
    members: &[&str],
) -> StoreResult<HashMap<String, UnreadCounts>> {
    let mut query = QueryBuilder::<Sqlite>::new("");
    push_unread_counts(&mut query, members);
    let rows: Vec<CountsRow> = query
        .build_query_as()
        .fetch_all(executor)
        .await
        .map_err(unavailable)?;
    Ok(counts_by_member(rows))
}

/// A member's counts as read: id, unread conversations, unread notifications.
pub(super) type CountsRow = (String, u32, u32);

/// Appends the statement that reads each of `members`' counts, one [`CountsRow`] each, to
/// `query` (alone, or among the statements of a group's transaction).
pub(super) fn push_unread_counts<'a>(query: &mut QueryBuilder<'a, Sqlite>, members: &[&'a str]) {
    query.push("WITH members (id) AS (");
    query.push_values(members, |mut row, member| {
        row.push_bind(*member);
    });
    query.push(
        ") SELECT id,
            (SELECT COUNT(*) FROM conversations WHERE owner_id = members.id AND unread > 0),
            (SELECT COUNT(*) FROM notifications WHERE owner_id = members.id AND read = 0)
         FROM members",
    );
}

/// The rows read by [`push_unread_counts`]' statement, by member.
pub(super) fn counts_by_member(rows: Vec<CountsRow>) -> HashMap<String, UnreadCounts> {
    rows.into_iter()
        .map(|(member, conversations, notifications)| {
            let counts = UnreadCounts {
                conversations,
                notifications,
            };
            (member, counts)
        })
        .collect()
}
