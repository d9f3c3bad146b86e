//! What the staff pages read: players' reports, the audit log by filter, site bans in force.

use pianorhythm_core::domain::{
    audit::{AuditAction, AuditEntry, AuditFilter},
    report::{Report, ReportStatus, ReportedPlayer, Reporter, SiteBan},
};
use pianorhythm_store::{ids, StoreError};

use super::chat_message;
use crate::backends::Backend;

fn report(number: i64, reason: &str) -> Report {
    Report {
        id: ids::new_id(),
        at: 1_700_000_000_000 + number,
        reporter: Reporter {
            account_id: (number % 2 == 0).then(|| format!("account-{number}")),
            guest_id: (number % 2 == 1).then(|| format!("guest-{number}")),
            address: "2001:db8::7".into(),
        },
        target: ReportedPlayer {
            participant_id: "player-1".into(),
            account_id: Some("account-of-player-1".into()),
            name: "Player \"1\" $where".into(),
        },
        room_id: Some("jazz".into()),
        room_name: Some("Jazz 🎹".into()),
        reason: reason.into(),
        chat: (0..20)
            .map(|n| chat_message(n, &format!("line {n} {{$gt: ''}} ")))
            .collect(),
        status: ReportStatus::Open,
        handled_by: None,
        handled_at: None,
    }
}

pub async fn reports_round_trip_newest_first_by_status_and_page(backend: &mut Backend) {
    let reports = &backend.store.reports;
    let made: Vec<Report> = (0..5)
        .map(|n| report(n, &format!("reason {n} ' OR 1=1 --")))
        .collect();
    for report in &made {
        reports.create(report).await.unwrap();
    }
    let lobby = Report {
        room_id: None,
        room_name: None,
        chat: vec![],
        ..report(5, "no room")
    };
    reports.create(&lobby).await.unwrap();

    assert_eq!(reports.get(&made[2].id).await.unwrap(), made[2]);
    assert_eq!(reports.get(&lobby.id).await.unwrap(), lobby);
    let newest_first: Vec<Report> = made.iter().chain([&lobby]).rev().cloned().collect();
    assert_eq!(reports.list(None, 0, 50).await.unwrap(), newest_first);
    assert_eq!(
        reports.list(Some(ReportStatus::Open), 2, 3).await.unwrap(),
        newest_first[2..5]
    );
    assert_eq!(
        reports
            .list(Some(ReportStatus::Resolved), 0, 50)
            .await
            .unwrap(),
        []
    );
    assert_eq!(
        reports.get(&ids::new_id()).await,
        Err(StoreError::NotFound("report"))
    );
}

pub async fn a_report_is_closed_once_and_keeps_who_closed_it(backend: &mut Backend) {
    let reports = &backend.store.reports;
    let (first, second) = (report(1, "spam"), report(2, "insults"));
    reports.create(&first).await.unwrap();
    reports.create(&second).await.unwrap();

    let resolved = reports
        .close(&first.id, ReportStatus::Resolved, "moderator-1", 42)
        .await
        .unwrap();
    assert_eq!(
        resolved,
        Report {
            status: ReportStatus::Resolved,
            handled_by: Some("moderator-1".into()),
            handled_at: Some(42),
            ..first.clone()
        }
    );
    // Closing it again, either way, is refused and changes nothing.
    assert_eq!(
        reports
            .close(&first.id, ReportStatus::Dismissed, "moderator-2", 43)
            .await,
        Err(StoreError::Conflict { what: "report" })
    );
    assert_eq!(reports.get(&first.id).await.unwrap(), resolved);
    let dismissed = reports
        .close(&second.id, ReportStatus::Dismissed, "moderator-2", 44)
        .await
        .unwrap();
    assert_eq!(
        reports.list(Some(ReportStatus::Open), 0, 10).await.unwrap(),
        []
    );
    assert_eq!(
        reports
            .list(Some(ReportStatus::Dismissed), 0, 10)
            .await
            .unwrap(),
        [dismissed]
    );
    assert_eq!(
        reports
            .close(&ids::new_id(), ReportStatus::Resolved, "moderator-1", 45)
            .await,
        Err(StoreError::NotFound("report"))
    );
}

pub async fn concurrent_closes_of_one_report_close_it_once(backend: &mut Backend) {
    let reports = backend.store.reports.clone();
    let made = report(1, "spam");
    reports.create(&made).await.unwrap();
    let closes = (0..8).map(|n| {
        let (reports, id) = (reports.clone(), made.id.clone());
        tokio::spawn(async move {
            let status = [ReportStatus::Resolved, ReportStatus::Dismissed][n % 2];
            reports
                .close(&id, status, &format!("moderator-{n}"), 1)
                .await
        })
    });
    let mut closed = 0;
    for close in closes {
        match close.await.unwrap() {
            Ok(_) => closed += 1,
            Err(error) => assert_eq!(error, StoreError::Conflict { what: "report" }),
        }
    }
    assert_eq!(closed, 1);
}

fn entry(at: i64, action: AuditAction, actor: &str, target: &str) -> AuditEntry {
    AuditEntry {
        at,
        action,
        actor_id: Some(actor.into()),
        room_id: None,
        target_id: Some(target.into()),
        details: String::new(),
        address: None,
        user_agent: None,
    }
}

pub async fn audit_filters_match_action_actor_and_target_and_page(backend: &mut Backend) {
    let audit = &backend.store.audit;
    let entries = [
        entry(1, AuditAction::SignedIn, "alice", "alice"),
        entry(2, AuditAction::SheetUploaded, "alice", "sheet-1"),
        entry(3, AuditAction::SiteBanned, "mod", "bob"),
        entry(4, AuditAction::SignedIn, "bob", "bob"),
        entry(5, AuditAction::SheetDeleted, "mod", "sheet-1"),
        entry(6, AuditAction::ReportResolved, "mod", "report-1"),
        entry(7, AuditAction::SignedIn, "alice", "alice"),
    ];
    for entry in &entries {
        audit.append(entry).await.unwrap();
    }
    let search = |filter: AuditFilter| async move {
        let found = audit
            .search(&AuditFilter {
                limit: filter.limit.max(1),
                ..filter
            })
            .await
            .unwrap();
        found.into_iter().map(|entry| entry.at).collect::<Vec<_>>()
    };
    let all = AuditFilter {
        limit: 50,
        ..AuditFilter::default()
    };
    assert_eq!(search(all.clone()).await, [7, 6, 5, 4, 3, 2, 1]);
    let signed_in = AuditFilter {
        action: Some(AuditAction::SignedIn),
        ..all.clone()
    };
    assert_eq!(search(signed_in.clone()).await, [7, 4, 1]);
    let alice = AuditFilter {
        actor_id: Some("alice".into()),
        ..all.clone()
    };
    assert_eq!(search(alice).await, [7, 2, 1]);
    let on_sheet = AuditFilter {
        target_id: Some("sheet-1".into()),
        ..all.clone()
    };
    assert_eq!(search(on_sheet).await, [5, 2]);
    let moderator_on_bob = AuditFilter {
        actor_id: Some("mod".into()),
        target_id: Some("bob".into()),
        ..all.clone()
    };
    assert_eq!(search(moderator_on_bob).await, [3]);
    let page = AuditFilter {
        skip: 1,
        limit: 1,
        ..signed_in
    };
    assert_eq!(search(page).await, [4]);
    // Text is matched exactly, never as a pattern or an operator.
    let pattern = AuditFilter {
        actor_id: Some(".*".into()),
        ..all.clone()
    };
    assert_eq!(search(pattern).await, Vec::<i64>::new());
    let operator = AuditFilter {
        target_id: Some("{\"$ne\": null}".into()),
        ..all
    };
    assert_eq!(search(operator).await, Vec::<i64>::new());
}

fn ban(account: &str, at: i64, until: i64) -> SiteBan {
    SiteBan {
        account_id: account.into(),
        display_name: format!("Name of {account}"),
        at,
        until,
        reason: format!("why {account} \"was\" banned"),
        by: "moderator-1".into(),
    }
}

pub async fn site_bans_in_force_are_newest_first_and_lifted_ones_are_gone(backend: &mut Backend) {
    let bans = &backend.store.site_bans;
    let now = 1_700_000_000_000;
    bans.record(&ban("a", now - 3_000, now + 60_000))
        .await
        .unwrap();
    bans.record(&ban("b", now - 2_000, now + 60_000))
        .await
        .unwrap();
    bans.record(&ban("expired", now - 9_000, now - 1))
        .await
        .unwrap();
    bans.record(&ban("c", now - 1_000, now + 1)).await.unwrap();
    assert_eq!(
        bans.in_force(now, 0, 10).await.unwrap(),
        [
            ban("c", now - 1_000, now + 1),
            ban("b", now - 2_000, now + 60_000),
            ban("a", now - 3_000, now + 60_000),
        ]
    );
    assert_eq!(
        bans.in_force(now, 1, 1).await.unwrap(),
        [ban("b", now - 2_000, now + 60_000)]
    );
    // A new ban of the same account replaces the old one.
    let again = SiteBan {
        reason: "again".into(),
        ..ban("a", now - 500, now + 120_000)
    };
    bans.record(&again).await.unwrap();
    bans.lift("b").await.unwrap();
    bans.lift("b").await.unwrap();
    bans.lift("never-banned").await.unwrap();
    assert_eq!(
        bans.in_force(now, 0, 10).await.unwrap(),
        [again.clone(), ban("c", now - 1_000, now + 1)]
    );
    // One account's ban, to tell its player: in force, expired, or none.
    assert_eq!(bans.of("a").await.unwrap(), Some(again));
    assert_eq!(
        bans.of("expired").await.unwrap(),
        Some(ban("expired", now - 9_000, now - 1))
    );
    assert_eq!(bans.of("b").await.unwrap(), None);
    // A permanent ban ends at the last instant a time can name, and is kept as that.
    let permanent = ban("forever", now, i64::MAX);
    bans.record(&permanent).await.unwrap();
    assert_eq!(bans.of("forever").await.unwrap(), Some(permanent.clone()));
    assert_eq!(bans.in_force(now, 0, 1).await.unwrap(), [permanent]);
}
