//! Glue crawlers through the SDK: GetCrawlers, then GetCrawlerMetrics for their numbers.

use std::collections::HashMap;

use super::glue::{SdkGlue, time};
use crate::aws::{AwsResult, BoxFut, CrawlerRead};
use crate::model::{Crawler, CrawlerMetrics, LastCrawl};

/// GetCrawlerMetrics takes at most 100 names per call.
const METRICS_BATCH: usize = 100;

impl SdkGlue {
    async fn all_crawlers(&self) -> AwsResult<Vec<Crawler>> {
        let mut crawlers = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("glue:GetCrawlers", || {
                    self.client().get_crawlers().max_results(1000).set_next_token(token.clone()).send()
                })
                .await?;
            crawlers.extend(out.crawlers().iter().map(map_crawler));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let names: Vec<String> = crawlers.iter().map(|c| c.name.clone()).collect();
        let mut metrics: HashMap<String, CrawlerMetrics> = HashMap::new();
        for chunk in names.chunks(METRICS_BATCH) {
            let out = self
                .read("glue:GetCrawlerMetrics", || {
                    self.client().get_crawler_metrics().set_crawler_name_list(Some(chunk.to_vec())).send()
                })
                .await?;
            for m in out.crawler_metrics_list() {
                let Some(name) = m.crawler_name() else { continue };
                metrics.insert(
                    name.to_string(),
                    CrawlerMetrics {
                        last_runtime_s: m.last_runtime_seconds(),
                        median_runtime_s: m.median_runtime_seconds(),
                        tables_created: m.tables_created(),
                        tables_updated: m.tables_updated(),
                        tables_deleted: m.tables_deleted(),
                        time_left_s: m.time_left_seconds(),
                    },
                );
            }
        }
        for c in &mut crawlers {
            c.metrics = metrics.remove(&c.name);
        }
        crawlers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(crawlers)
    }
}

impl CrawlerRead for SdkGlue {
    fn crawlers(&self) -> BoxFut<'_, AwsResult<Vec<Crawler>>> {
        Box::pin(self.all_crawlers())
    }
}

fn map_crawler(c: &aws_sdk_glue::types::Crawler) -> Crawler {
    Crawler {
        ctx: 0,
        name: c.name().unwrap_or_default().to_string(),
        state: c.state().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
        schedule: c.schedule().and_then(|s| s.schedule_expression()).map(str::to_string),
        database: c.database_name().map(str::to_string),
        last_crawl: c.last_crawl().map(|l| LastCrawl {
            status: l.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            started_on: time(l.start_time()),
            error_message: l.error_message().map(str::to_string),
            log_group: l.log_group().map(str::to_string),
            log_stream: l.log_stream().map(str::to_string),
        }),
        metrics: None,
        tags: Default::default(),
    }
}
