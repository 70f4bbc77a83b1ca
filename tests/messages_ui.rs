//! Messages wrap instead of being cut: the error line and the flash line take the rows they
//! need (at most three), the table gives them up, and a missing-credentials error ends by
//! naming `--demo`.

mod support;

use batchtop::app::msg::{Loaded, Msg, SourceId};
use batchtop::app::update::update;
use batchtop::aws::{AwsError, ErrorKind};
use support::{loaded_state, screen};

const LONG: &str = "no AWS credentials found for profile prod: set AWS_PROFILE or --profile, run aws configure --profile prod or aws sso login --profile prod";

/// The screen's rows, without insta's quotes.
fn rows(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_matches('"').to_string()).collect()
}

/// The words of the screen, joined by single spaces (rows undone).
fn words(text: &str) -> String {
    rows(text).join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_long_error_wraps_and_names_the_demo() {
    for (w, h) in [(120, 40), (80, 24), (40, 10)] {
        let (mut s, _) = loaded_state(w, h).await;
        s.context.demo = false;
        let before = s.table_rows();
        let err =
            AwsError { kind: ErrorKind::CredentialsMissing, operation: "glue:GetJobs".into(), message: LONG.into() };
        let now = s.now;
        update(
            &mut s,
            Msg::Loaded(Loaded { ctx: 0, source: SourceId::Glue, generation: 2, at: now, result: Err(err) }),
        );
        let text = screen(&s);
        let all = words(&text);
        let rows_taken = s.error_rows();
        assert!((1..=3).contains(&rows_taken), "{w}x{h}: {rows_taken}");
        if w >= 80 {
            // Nothing of the message is lost at a usual width.
            assert!(all.contains(LONG), "{w}x{h}: {text}");
            assert!(all.contains("or try batchtop --demo"), "{w}x{h}: {text}");
            assert!(rows_taken >= 2, "{w}x{h}: the message is longer than a row");
        } else {
            assert!(all.contains('…'), "{w}x{h}: cut after three rows, visibly: {text}");
        }
        // The table gave the error its rows.
        assert_eq!(s.table_rows(), before.saturating_sub(usize::from(rows_taken)).max(1), "{w}x{h}");
        for r in rows(&text) {
            assert_eq!(r.chars().count(), usize::from(w), "{w}x{h}: {r}");
        }
    }
}

#[tokio::test]
async fn a_long_flash_wraps() {
    let (mut s, _) = loaded_state(80, 24).await;
    let before = s.table_rows();
    let long =
        format!("unknown command `x` (try {})", ["inbox", "jobs", "workflows", "crawlers"].repeat(4).join(", :"));
    s.flash = Some(long.clone());
    let text = screen(&s);
    assert_eq!(s.bottom_rows(), 3, "{text}");
    assert!(words(&text).contains(&long), "{text}");
    assert_eq!(s.table_rows(), before - 2);
}
