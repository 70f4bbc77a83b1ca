//! Cost through a payer account (`[cost] payer_profile`): one GetCostAndUsage grouped by
//! LINKED_ACCOUNT answers for every member account; each context gets its own account's
//! share. Contexts asking at the same time wait for the one request in flight, and an
//! answer is reused for the cache's TTL, so N contexts cost one request, not N.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::aws::{AwsError, AwsResult, BoxFut, CostRead, ErrorKind};
use crate::model::cost::{CostQuery, RawDay, RawGroup};

/// The payer's whole answer to one question, and when it came.
type Answer = (Instant, Arc<Vec<RawDay>>);

/// A `CostRead` that asks the payer account and answers for one member account at a time.
pub struct PayerCost {
    payer: Arc<dyn CostRead>,
    ttl: Duration,
    /// The payer's whole answers by question (`CostQuery::cache_key`), and when each came.
    answers: Mutex<HashMap<String, Answer>>,
}

impl PayerCost {
    pub fn new(payer: Arc<dyn CostRead>, ttl: Duration) -> Self {
        Self { payer, ttl, answers: Mutex::new(HashMap::new()) }
    }

    async fn share(&self, query: &CostQuery, account: &str) -> AwsResult<(Vec<RawDay>, u32)> {
        if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AwsError {
                kind: ErrorKind::Other,
                operation: "ce:GetCostAndUsage".into(),
                message: format!(
                    "this context's account id is unknown ({account}): its share of the payer's cost cannot be \
                     told apart; check its credentials (sts:GetCallerIdentity)"
                ),
            });
        }
        let asked = CostQuery { by_linked_account: true, ..query.clone() };
        let key = asked.cache_key("payer");
        // Held across the request: a second context waits for the first one's answer.
        let mut answers = self.answers.lock().await;
        if let Some((at, days)) = answers.get(&key)
            && at.elapsed() < self.ttl
        {
            return Ok((share_of(days, account), 0));
        }
        let (days, requests) = self.payer.cost_and_usage(&asked, "").await?;
        let days = Arc::new(days);
        answers.insert(key, (Instant::now(), days.clone()));
        Ok((share_of(&days, account), requests))
    }
}

impl CostRead for PayerCost {
    fn cost_and_usage<'a>(
        &'a self,
        query: &'a CostQuery,
        account: &'a str,
    ) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>> {
        Box::pin(self.share(query, account))
    }

    fn forget(&self) -> BoxFut<'_, ()> {
        Box::pin(async { self.answers.lock().await.clear() })
    }
}

/// The groups of `account` (the first key, LINKED_ACCOUNT's value), without that key.
fn share_of(days: &[RawDay], account: &str) -> Vec<RawDay> {
    days.iter()
        .map(|d| RawDay {
            start: d.start,
            estimated: d.estimated,
            groups: d
                .groups
                .iter()
                .filter(|g| g.keys.first().map(String::as_str) == Some(account))
                .map(|g| RawGroup { keys: g.keys[1..].to_vec(), amount: g.amount, unit: g.unit.clone() })
                .collect(),
            // The payer's total is every account's: none of it is this one's alone.
            total: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use chrono::NaiveDate;

    use super::*;

    /// A payer answering two member accounts, counting its requests.
    struct Payer {
        asked: AtomicU32,
    }

    impl CostRead for Payer {
        fn cost_and_usage<'a>(&'a self, q: &'a CostQuery, _: &'a str) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            assert!(q.by_linked_account, "the payer is asked by LINKED_ACCOUNT");
            let g = |acct: &str, team: &str, amount: f64| RawGroup {
                keys: vec![acct.into(), format!("team${team}")],
                amount,
                unit: "USD".into(),
            };
            let day = RawDay {
                start: q.start,
                estimated: false,
                groups: vec![
                    g("111111111111", "commerce", 12.5),
                    g("222222222222", "finance", 3.0),
                    g("111111111111", "", 1.0),
                ],
                total: Some((16.5, "USD".into())),
            };
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok((vec![day], 1))
            })
        }
    }

    fn query() -> CostQuery {
        let start = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        CostQuery {
            start,
            end: start.succ_opt().expect("date"),
            services: vec![],
            group_by: vec!["team".into()],
            metric: "UnblendedCost".into(),
            by_linked_account: false,
        }
    }

    #[tokio::test]
    async fn one_request_serves_every_member_account_with_its_own_share() {
        let payer = Arc::new(Payer { asked: AtomicU32::new(0) });
        let cost = PayerCost::new(payer.clone(), Duration::from_secs(3600));
        let q = query();
        let (a, b) = tokio::join!(cost.cost_and_usage(&q, "111111111111"), cost.cost_and_usage(&q, "222222222222"));
        let (a, b) = (a.expect("a"), b.expect("b"));
        assert_eq!(payer.asked.load(Ordering::SeqCst), 1, "asked once for both");
        assert_eq!(a.1 + b.1, 1, "one of them made the request");
        let keys = |days: &[RawDay]| -> Vec<(Vec<String>, f64)> {
            days[0].groups.iter().map(|g| (g.keys.clone(), g.amount)).collect()
        };
        assert_eq!(keys(&a.0), vec![(vec!["team$commerce".to_string()], 12.5), (vec!["team$".to_string()], 1.0)]);
        assert_eq!(keys(&b.0), vec![(vec!["team$finance".to_string()], 3.0)]);
        assert_eq!(a.0[0].total, None);
        let (c, _) = cost.cost_and_usage(&q, "333333333333").await.expect("c");
        assert!(c[0].groups.is_empty(), "an account with no cost has none");
        assert_eq!(payer.asked.load(Ordering::SeqCst), 1);
        cost.forget().await;
        cost.cost_and_usage(&q, "111111111111").await.expect("after forget");
        assert_eq!(payer.asked.load(Ordering::SeqCst), 2, "a forced refresh asks again");
    }

    #[tokio::test]
    async fn an_expired_answer_is_asked_again_and_an_unknown_account_is_an_error() {
        let payer = Arc::new(Payer { asked: AtomicU32::new(0) });
        let cost = PayerCost::new(payer.clone(), Duration::ZERO);
        let q = query();
        cost.cost_and_usage(&q, "111111111111").await.expect("first");
        cost.cost_and_usage(&q, "111111111111").await.expect("second");
        assert_eq!(payer.asked.load(Ordering::SeqCst), 2);
        let e = cost.cost_and_usage(&q, "prod@eu-west-1").await.expect_err("no account id");
        assert!(e.message.contains("account id is unknown"), "{}", e.message);
        assert_eq!(payer.asked.load(Ordering::SeqCst), 2, "nothing asked for it");
    }
}
