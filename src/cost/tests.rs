use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};

use super::cache::CostCache;
use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
}

fn query() -> CostQuery {
    CostQuery {
        start: day(20),
        end: day(24),
        services: vec!["AWS Glue".into()],
        group_by: vec!["team".into(), "stream".into()],
        metric: "UnblendedCost".into(),
        by_linked_account: false,
    }
}

fn g(team: &str, stream: &str, amount: f64) -> RawGroup {
    RawGroup { keys: vec![format!("team${team}"), format!("stream${stream}")], amount, unit: "USD".into() }
}

fn raw() -> Vec<RawDay> {
    (20..24)
        .map(|d| RawDay {
            start: day(d),
            estimated: d == 23,
            groups: vec![
                g("finance", "payments", if d == 23 { 20.0 } else { 10.0 }),
                g("commerce", "orders", 5.0),
                g("", "", 1.0),
            ],
            total: None,
        })
        .collect()
}

#[test]
fn assembles_groups_by_both_tags_with_untagged_split_out() {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).single().expect("time");
    let r = CostReport::assemble(&query(), &raw(), at, 1);
    assert_eq!(r.days.len(), 4);
    assert_eq!(r.groups.len(), 3);
    let pay = r.groups.iter().find(|g| g.keys.get("stream").map(String::as_str) == Some("payments")).expect("payments");
    assert_eq!(pay.daily, vec![10.0, 10.0, 10.0, 20.0]);
    assert_eq!(pay.total, 50.0);
    assert_eq!(pay.keys.get("team").map(String::as_str), Some("finance"));
    assert_eq!(r.total(), 50.0 + 20.0 + 4.0);
    let (untagged, share) = r.untagged();
    assert_eq!(untagged, 4.0);
    assert!((share - 4.0 / 74.0).abs() < 1e-12);
    assert_eq!(r.estimated, vec![false, false, false, true]);
    assert_eq!(r.currency, "USD");
}

#[test]
fn biggest_mover_first_with_change_against_the_daily_mean() {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).single().expect("time");
    let rows = CostReport::assemble(&query(), &raw(), at, 1).rows();
    assert_eq!(rows[0].label, "team=finance stream=payments");
    assert_eq!(rows[0].yesterday, 20.0);
    assert_eq!(rows[0].mean, 12.5);
    assert_eq!(rows[0].change, 7.5);
    assert_eq!(rows[0].change_ratio, Some(0.6));
    assert_eq!(rows[1].change, 0.0);
    let untagged = rows.iter().find(|r| r.untagged).expect("untagged row");
    assert_eq!(untagged.label, "team=(untagged) stream=(untagged)");
}

#[test]
fn days_outside_the_period_are_ignored_and_totals_fill_ungrouped_reports() {
    let mut q = query();
    q.group_by.clear();
    let days = vec![
        RawDay { start: day(19), estimated: false, groups: vec![], total: Some((99.0, "USD".into())) },
        RawDay { start: day(21), estimated: false, groups: vec![], total: Some((3.5, "USD".into())) },
    ];
    let r = CostReport::assemble(&q, &days, Utc::now(), 1);
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.groups[0].daily, vec![0.0, 3.5, 0.0, 0.0]);
    assert_eq!(r.groups[0].label(&[]), "(all)");
}

#[test]
fn cache_serves_within_the_ttl_only_and_ignores_the_date_window() {
    let dir = std::env::temp_dir().join(format!("batchtop-cost-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = CostCache::new(&dir, std::time::Duration::from_secs(6 * 3600));
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).single().expect("time");
    let report = CostReport::assemble(&query(), &raw(), at, 1);
    assert!(cache.load_any("111", &query()).is_none());
    cache.store("111", &query(), &report).expect("store");
    let hit = cache.load_fresh("111", &query(), at + chrono::Duration::hours(5)).expect("fresh within ttl");
    assert!(hit.from_cache);
    assert_eq!(hit.groups, report.groups);
    // The next day asks for other dates: still the same question within the TTL.
    let mut tomorrow = query();
    tomorrow.start = day(21);
    tomorrow.end = day(25);
    assert!(cache.load_fresh("111", &tomorrow, at + chrono::Duration::hours(5)).is_some());
    assert!(cache.load_fresh("111", &query(), at + chrono::Duration::hours(7)).is_none(), "stale after the ttl");
    assert!(cache.load_fresh("222", &query(), at).is_none(), "another account");
    let mut other = query();
    other.group_by = vec!["domain".into()];
    assert!(cache.load_fresh("111", &other, at).is_none(), "another grouping");
    std::fs::write(
        dir.join(std::fs::read_dir(&dir).expect("dir").next().expect("file").expect("entry").file_name()),
        "{",
    )
    .expect("corrupt");
    assert!(cache.load_any("111", &query()).is_none(), "a corrupt file is ignored");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn estimates_sum_by_tag_values() {
    let a = BTreeMap::from([("team".to_string(), "x".to_string())]);
    let b = BTreeMap::new();
    let rows = estimate::sum_by([(&a, Some(1.0)), (&a, Some(2.5)), (&b, None), (&b, Some(0.5))], &["team".into()]);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].runs, rows[0].cost, rows[0].unknown), (2, 3.5, 0));
    assert_eq!(rows[0].label(&["team".into()]), "team=x");
    assert_eq!((rows[1].runs, rows[1].cost, rows[1].unknown), (2, 0.5, 1));
    assert_eq!(rows[1].label(&["team".into()]), "team=(untagged)");
}

#[test]
fn run_estimates_use_dpu_seconds_or_execution_time_times_capacity() {
    let prices = estimate::Prices::default();
    let run = crate::model::JobRun {
        execution_time_s: 1800,
        worker_type: Some("G.1X".into()),
        number_of_workers: Some(10),
        ..Default::default()
    };
    // 0.5 h x 10 DPU x $0.44
    assert!((estimate::glue_run(&run, &prices).expect("estimate") - 2.2).abs() < 1e-9);
    let flex = crate::model::JobRun { dpu_seconds: Some(7200.0), ..run };
    assert!((estimate::glue_run(&flex, &prices).expect("estimate") - 0.88).abs() < 1e-9);
    let emr = crate::model::EmrRun {
        billed: Some(crate::model::Utilization { vcpu_hours: 10.0, memory_gb_hours: 40.0, storage_gb_hours: 100.0 }),
        ..Default::default()
    };
    let want = 10.0 * 0.052624 + 40.0 * 0.0057785 + 100.0 * 0.000111;
    assert!((estimate::emr_run(&emr, &prices).expect("estimate") - want).abs() < 1e-9);
    assert_eq!(estimate::label(Some(2.2)), "~$2.20");
    assert_eq!(estimate::label(None), "-");
}
