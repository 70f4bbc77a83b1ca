//! Pollers for the workflows and crawlers lists: one call chain per cycle, own cadence,
//! backoff with jitter on errors, woken on demand.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::{Backoff, Clock};
use crate::app::msg::{CatalogData, Msg, Source};
use crate::aws::{AwsResult, CrawlerRead, DataQualityRead, WorkflowRead};

/// Which list a catalog poller reads.
#[derive(Clone)]
pub enum Lister {
    Workflows(Arc<dyn WorkflowRead>),
    Crawlers(Arc<dyn CrawlerRead>),
    /// Data Quality results started within the duration, and evaluation runs.
    DataQuality(Arc<dyn DataQualityRead>, Duration),
}

impl Lister {
    fn source(&self) -> Source {
        match self {
            Lister::Workflows(_) => Source::Workflows,
            Lister::Crawlers(_) => Source::Crawlers,
            Lister::DataQuality(..) => Source::DataQuality,
        }
    }

    async fn fetch(&self, now: chrono::DateTime<chrono::Utc>) -> AwsResult<CatalogData> {
        Ok(match self {
            Lister::Workflows(w) => CatalogData::Workflows(w.workflows().await?),
            Lister::Crawlers(c) => CatalogData::Crawlers(c.crawlers().await?),
            Lister::DataQuality(d, history) => {
                let since = chrono::Duration::from_std(*history).ok().map(|h| now - h);
                CatalogData::DataQuality(d.dq_overview(since).await?)
            }
        })
    }
}

/// Poll `lister` every `every` until the receiver is gone.
pub async fn run_catalog(
    lister: Lister,
    every: Duration,
    max_backoff: Duration,
    clock: Clock,
    tx: mpsc::Sender<Msg>,
    wake: Arc<Notify>,
) {
    let source = lister.source();
    let seed = clock().timestamp_subsec_nanos() as u64 ^ source as u64;
    let mut backoff = Backoff::new(max_backoff, seed);
    let mut generation = 0;
    loop {
        generation += 1;
        let _ = tx.send(Msg::Polling { source }).await;
        let result = lister.fetch(clock()).await;
        let delay = match &result {
            Ok(_) => {
                backoff.reset();
                every
            }
            Err(e) => backoff.next_delay(e.kind),
        };
        if tx.send(Msg::Catalog { source, generation, at: clock(), result }).await.is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wake.notified() => {}
        }
    }
}
