//! Stream names, from the pollers to the landing source: the Glue poller tells its jobs'
//! streams, the workflows, crawlers, Data Quality and EMR Serverless pollers the streams
//! their resources are tagged with (or named into, by the name regex). The landing source
//! reads the union, so that a stream whose only members are a tagged workflow or crawler
//! still gets its landing and catalog reads.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::config::Settings;

/// One poller's stream names, as the landing source receives them.
pub type Names = watch::Receiver<Arc<BTreeSet<String>>>;

/// A channel for one poller's stream names (none to begin with).
pub fn names() -> (watch::Sender<Arc<BTreeSet<String>>>, Names) {
    watch::channel(Arc::new(BTreeSet::new()))
}

/// Where a poller tells the streams of what it read.
pub struct Publisher {
    settings: Arc<Settings>,
    tx: watch::Sender<Arc<BTreeSet<String>>>,
    /// Its first names are told (even none): the landing source waits for every poller's.
    told: bool,
}

impl Publisher {
    /// A publisher, and the receiver the landing source keeps.
    pub fn new(settings: Arc<Settings>) -> (Publisher, Names) {
        let (tx, rx) = names();
        (Publisher { settings, tx, told: false }, rx)
    }

    /// Tell `names` when they changed. The first time, even none are told (the poller has
    /// read once); after that an empty set is not: a cycle that read nothing (a failed or
    /// denied read) keeps the names the last one found.
    pub fn send(&mut self, names: BTreeSet<String>) {
        if !self.told || (!names.is_empty() && **self.tx.borrow() != names) {
            self.told = true;
            self.tx.send_replace(Arc::new(names));
        }
    }

    /// Tell the streams of resources given as (name, tags): the stream tag, else the name regex.
    pub fn send_of<'a>(&mut self, resources: impl IntoIterator<Item = (&'a str, &'a BTreeMap<String, String>)>) {
        let names = resources.into_iter().filter_map(|(name, tags)| self.settings.stream_of(name, tags)).collect();
        self.send(names);
    }
}

/// Every poller's names, read together by the landing source.
#[derive(Default)]
pub struct AllNames {
    pub each: Vec<Names>,
}

impl AllNames {
    pub fn new(each: Vec<Names>) -> Self {
        Self { each }
    }

    /// The union of what every poller told last.
    pub fn union(&self) -> BTreeSet<String> {
        self.each.iter().flat_map(|rx| rx.borrow().iter().cloned().collect::<Vec<_>>()).collect()
    }

    /// Before the first cycle: wait until every poller has told its first names, or
    /// `at_most` (a poller whose reads fail tells nothing).
    pub async fn settle(&mut self, at_most: Duration) {
        let deadline = tokio::time::Instant::now() + at_most;
        for rx in &mut self.each {
            // Ready at once when told already; an error when the poller is gone.
            let _ = tokio::time::timeout_at(deadline, rx.changed()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(stream: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("stream".to_string(), stream.to_string())])
    }

    #[test]
    fn union_of_every_poller_and_empty_cycles_keep_the_last_names() {
        let settings = Arc::new(Settings::defaults());
        let (mut jobs, jobs_rx) = Publisher::new(settings.clone());
        let (mut crawlers, crawlers_rx) = Publisher::new(settings);
        let all = AllNames::new(vec![jobs_rx, crawlers_rx]);
        jobs.send(BTreeSet::from(["orders".to_string()]));
        let (a, b, none) = (tags("clicks"), tags("orders"), BTreeMap::new());
        crawlers.send_of([("clicks_crawler", &a), ("orders_crawler", &b), ("untagged", &none)]);
        let want: BTreeSet<String> = ["clicks", "orders"].map(String::from).into();
        assert_eq!(all.union(), want);
        crawlers.send_of([]);
        assert_eq!(all.union(), want, "a cycle that read nothing keeps the names");
    }

    #[tokio::test]
    async fn settle_waits_for_every_pollers_first_names_even_none() {
        let settings = Arc::new(Settings::defaults());
        let (mut jobs, jobs_rx) = Publisher::new(settings.clone());
        let (mut wf, wf_rx) = Publisher::new(settings.clone());
        let mut all = AllNames::new(vec![jobs_rx, wf_rx]);
        jobs.send(BTreeSet::new());
        wf.send(BTreeSet::from(["clicks".to_string()]));
        let t = tokio::time::Instant::now();
        all.settle(Duration::from_secs(30)).await;
        assert!(t.elapsed() < Duration::from_secs(20), "every poller has told (the jobs none)");
        assert_eq!(all.union(), BTreeSet::from(["clicks".to_string()]));

        let (mut told, told_rx) = Publisher::new(settings.clone());
        let (_quiet, quiet_rx) = Publisher::new(settings);
        told.send(BTreeSet::from(["orders".to_string()]));
        let mut some = AllNames::new(vec![told_rx, quiet_rx]);
        let t = tokio::time::Instant::now();
        some.settle(Duration::from_millis(300)).await;
        assert!(t.elapsed() >= Duration::from_millis(300), "one poller has not told yet: waits for it");
    }
}
