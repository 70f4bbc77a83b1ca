//! config.example.toml parses; each invalid fixture names file, line, column and key.

use std::path::PathBuf;

use batchtop::config::{self, ConfigError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config").join(name)
}

fn error_of(name: &str) -> ConfigError {
    match config::load(Some(&fixture(name))) {
        Ok(_) => panic!("{name} should be rejected"),
        Err(e) => e,
    }
}

#[test]
fn example_parses_and_matches_defaults() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let s = config::load(Some(&path)).expect("config.example.toml must parse");
    let d = config::Config::default();
    assert_eq!(s.config.poll.glue_runs, d.poll.glue_runs);
    assert_eq!(s.config.poll.glue_jobs, d.poll.glue_jobs);
    assert_eq!(s.config.poll.glue_runs_active, d.poll.glue_runs_active);
    assert_eq!(s.config.poll.history, d.poll.history);
    assert_eq!(s.config.poll.max_concurrency, d.poll.max_concurrency);
    assert_eq!(s.config.poll.workflows, d.poll.workflows);
    assert_eq!(s.config.poll.crawlers, d.poll.crawlers);
    assert_eq!(s.config.crawlers.stale_after, d.crawlers.stale_after);
    assert_eq!(s.config.streams.tag_key, d.streams.tag_key);
    assert_eq!(s.config.eventlog.reading(), d.eventlog.reading());
    assert_eq!(s.config.eventlog.options(), d.eventlog.options());
    assert!(!s.config.read_only);
}

#[test]
fn example_documents_the_event_log_keys() {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).expect("read");
    for key in [
        "s3_part_size",
        "s3_parallelism",
        "[eventlog.findings]",
        "min_slot_use",
        "idle_slots_min_stage",
        "small_partition",
        "small_partition_min_tasks",
        "large_broadcast",
        "small_shuffle_partition",
        "host_failures_min",
        "host_failure_share",
        "speculation_waste_share",
        "speculation_waste_min",
    ] {
        assert!(text.contains(key), "config.example.toml does not mention {key}");
    }
}

#[test]
fn example_documents_every_key() {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).expect("read");
    for key in [
        "read_only",
        "theme",
        "[aws]",
        "profile",
        "region",
        "endpoint_url",
        "[poll]",
        "glue_jobs",
        "glue_runs",
        "glue_runs_active",
        "max_concurrency",
        "history",
        "max_backoff",
        "workflows",
        "crawlers",
        "[crawlers]",
        "stale_after",
        "emr",
        "emr_active",
        "emr_history",
        "[eventlog]",
        "skew_floor",
        "skew_ratio",
        "[streams]",
        "tag_key",
        "name_regex",
        "[keymap]",
        "start_pane",
        "[triage]",
        "emr_waiting_after",
        "long_running_factor",
        "severity",
        "[[triage.rules]]",
        "[data_quality]",
        "poll",
        "[cost]",
        "ttl",
        "services",
        "group_by",
        "days",
        "metric",
        "glue_dpu_hour",
        "emr_vcpu_hour",
        "emr_gb_hour",
        "emr_storage_gb_hour",
        "[logs]",
        "ring_lines",
        "filter_log_events_per_s",
        "get_log_events_per_s",
        "live_tail",
        "[logs.layouts]",
        "glue_output_group",
        "glue_error_group",
        "glue_continuous_group",
        "crawler_group",
        "emr_group",
        "emr_stream_prefix",
        "emr_attempt_segment",
        "emr_s3_prefix",
    ] {
        assert!(text.contains(key), "config.example.toml does not mention {key}");
    }
    for action in batchtop::keymap::Action::ALL {
        assert!(text.contains(action.name()), "config.example.toml does not list action {}", action.name());
    }
}

#[test]
fn example_documents_skins_aliases_hotkeys_and_plugins() {
    let text =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.toml")).expect("read");
    for key in [
        "skin",
        "colors",
        "per_context",
        "[aliases]",
        "[[hotkeys]]",
        "[[plugins]]",
        "key",
        "scopes",
        "description",
        "command",
        "args",
        "confirm",
        "background",
        "dangerous",
    ] {
        assert!(text.contains(key), "config.example.toml does not mention {key}");
    }
    for scope in batchtop::config::extras::SCOPES {
        assert!(text.contains(scope), "config.example.toml does not list plugin scope {scope}");
    }
    for var in [
        "BATCHTOP_JOB",
        "BATCHTOP_RUN_ID",
        "BATCHTOP_APPLICATION_ID",
        "BATCHTOP_ACCOUNT",
        "BATCHTOP_REGION",
        "BATCHTOP_PROFILE",
        "BATCHTOP_STREAM",
        "BATCHTOP_CONTEXT",
        "BATCHTOP_WORKFLOW",
        "BATCHTOP_CRAWLER",
    ] {
        assert!(text.contains(var), "config.example.toml does not document {var}");
    }
}

#[test]
fn unknown_key_is_located() {
    let e = error_of("unknown_key.toml");
    assert!(e.path.ends_with("unknown_key.toml"), "{e}");
    assert_eq!((e.line, e.column), (5, 1), "{e}");
    assert_eq!(e.key, "poll.glue_run", "{e}");
    assert!(e.message.contains("unknown field"), "{e}");
}

#[test]
fn wrong_type_is_located() {
    let e = error_of("wrong_type.toml");
    assert_eq!(e.line, 3, "{e}");
    assert_eq!(e.column, 19, "{e}");
    assert_eq!(e.key, "poll.max_concurrency", "{e}");
    assert!(e.message.contains("invalid type"), "{e}");
}

#[test]
fn bad_regex_is_located() {
    let e = error_of("bad_regex.toml");
    assert_eq!((e.line, e.column), (3, 14), "{e}");
    assert_eq!(e.key, "streams.name_regex", "{e}");
    assert!(e.message.starts_with("invalid regex"), "{e}");
}

#[test]
fn unknown_action_and_bad_duration_are_located() {
    let e = error_of("unknown_action.toml");
    assert_eq!((e.line, e.key.as_str()), (3, "keymap.explode"), "{e}");
    let e = error_of("bad_duration.toml");
    assert_eq!((e.line, e.key.as_str()), (2, "poll.glue_runs"), "{e}");
    assert!(e.message.contains("needs a unit") || e.message.contains("unknown unit"), "{e}");
}

#[test]
fn missing_explicit_file_is_an_error_and_display_has_location() {
    let e = error_of("does_not_exist.toml");
    assert!(e.message.contains("cannot read"), "{e}");
    let shown = error_of("unknown_key.toml").to_string();
    assert!(shown.contains("unknown_key.toml:5:1: poll.glue_run:"), "{shown}");
}

#[test]
fn triage_rules_are_checked_when_the_config_loads() {
    let ok = "[[triage.rules]]\npattern = \"vendor feed late\"\ncategory = \"input_missing\"\nadvice = \"wait\"\n";
    assert!(batchtop::config::parse(ok, "c.toml").is_ok());
    let bad = "[[triage.rules]]\npattern = \"(unclosed\"\ncategory = \"input_missing\"\nadvice = \"wait\"\n";
    let e = batchtop::config::parse(bad, "c.toml").expect_err("a bad regex is refused").to_string();
    assert!(e.contains("triage.rules") && e.contains("(unclosed"), "{e}");
    let unknown = "[[triage.rules]]\npattern = \"x\"\ncategory = \"gremlins\"\nadvice = \"wait\"\n";
    assert!(batchtop::config::parse(unknown, "c.toml").is_err());
}

#[test]
fn contexts_in_the_config_are_checked_when_it_loads() {
    let ok = "[[contexts]]\nname = \"prod-eu\"\nprofile = \"prod\"\nregion = \"eu-west-1\"\ncolor = \"red\"\nread_only = true\n";
    let s = batchtop::config::parse(ok, "c.toml").expect("valid");
    assert_eq!(s.config.contexts.len(), 1);
    let bad = "[[contexts]]\nname = \"prod-eu\"\ncolor = \"teal\"\n";
    let e = batchtop::config::parse(bad, "c.toml").expect_err("a bad colour is refused").to_string();
    assert!(e.contains("contexts") && e.contains("teal"), "{e}");
    let unknown = "[[contexts]]\nnmae = \"typo\"\n";
    assert!(batchtop::config::parse(unknown, "c.toml").is_err());
}

#[test]
fn bad_stream_settings_are_one_line_naming_the_key() {
    let cases = [
        ("[streams]\nready_by = \"25:00\"\n", "streams.ready_by", "not a time of day"),
        ("[streams]\ntimezone = \"Mars/Olympus\"\n", "streams.timezone", "IANA time zone"),
        ("[streams]\npartition = \"dt={yyyy}\"\n", "streams.partition", "year, month and day"),
        ("[streams]\npartition = \"dt={yyyy-MM-dd-HH}\"\n", "streams.partition", "yyyy, MM, dd"),
        ("[streams]\nlanding = \"https://bucket/x\"\n", "streams.landing", "s3://bucket/prefix/"),
        ("[streams]\ncatalog = [\"nodot\"]\n", "streams.catalog", "database.table"),
        ("[streams]\nfresh_within = \"soon\"\n", "streams.fresh_within", "not a duration"),
        (
            "[streams.stream.orders]\nready_by = \"06:00\"\nfresh_within = \"26h\"\n",
            "streams.stream.orders",
            "not both",
        ),
        ("[streams.stream.orders]\nready_by = \"6pm\"\n", "streams.stream.orders.ready_by", "not a time of day"),
    ];
    for (text, key, words) in cases {
        let e = batchtop::config::parse(text, "c.toml").expect_err(text);
        assert_eq!(e.key, key, "{text}: {e}");
        assert!(e.message.contains(words) && !e.to_string().contains('\n'), "{text}: {e}");
    }
    let ok =
        batchtop::config::parse("[streams]\nlanding = \"s3://lz/{stream}\"\nfinal = \"{stream}_publish\"\n", "c.toml");
    let spec = ok.expect("valid").config.streams.spec("orders");
    assert_eq!(spec.landing.map(|l| l.uri()), Some("s3://lz/orders/".to_string()));
    assert_eq!(spec.final_step.as_deref(), Some("orders_publish"));
}
