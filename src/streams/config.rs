//! `[streams]` in config.toml: how jobs map to streams, and what each stream is expected to
//! deliver. The keys at the top are the defaults of every stream; `[streams.stream.NAME]`
//! overrides them for one. `{stream}` in a value is the stream's name.
//!
//! ```toml
//! [streams]
//! tag_key = "stream"
//! landing = "s3://landing-zone-prod/{stream}/"
//! partition = "dt={yyyy-MM-dd}"          # or "year={yyyy}/month={MM}/day={dd}"
//! catalog = ["curated.{stream}_*"]       # database.table, `*` matches any characters
//! ready_by = "06:00"                     # or fresh_within = "26h"
//! timezone = "Europe/Berlin"
//!
//! [streams.stream.orders]
//! ready_by = "05:00"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::spec::{Layout, Sla, Spec, parse_landing, parse_ready_by, parse_tz};

/// What one stream (or every stream, at the top of `[streams]`) sets.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamSettings {
    /// `s3://bucket/prefix/{stream}/`: where the stream's files land.
    pub landing: Option<String>,
    /// The partition layout below `landing` (and of the catalog's partition keys).
    pub partition: Option<String>,
    /// Curated tables: `database.table`, `*` for any characters.
    pub catalog: Option<Vec<String>>,
    /// The curated data may be at most this old (`26h`)...
    pub fresh_within: Option<String>,
    /// ...or must be there by this local time every day (`06:00`).
    pub ready_by: Option<String>,
    /// The zone of `ready_by` and of the partition dates (default UTC).
    pub timezone: Option<String>,
    /// The job or workflow whose success means the data is curated.
    #[serde(rename = "final")]
    pub final_step: Option<String>,
}

/// The `[streams]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamsSection {
    /// Tag whose value names a resource's data stream.
    pub tag_key: String,
    /// Fallback when the tag is absent: a regex on the name; its `stream` group (or first
    /// group, or whole match) is the stream.
    pub name_regex: Option<Spanned<String>>,
    /// How often landing prefixes and catalog partitions are read.
    pub poll: String,
    /// Calls in flight at once while reading them.
    pub max_concurrency: usize,
    /// List the landing root (one level, with a delimiter) to find streams nothing else knows.
    pub discover: bool,
    pub landing: Option<String>,
    pub partition: Option<String>,
    pub catalog: Option<Vec<String>>,
    pub fresh_within: Option<String>,
    pub ready_by: Option<String>,
    pub timezone: Option<String>,
    #[serde(rename = "final")]
    pub final_step: Option<String>,
    /// One stream's own settings.
    pub stream: BTreeMap<String, StreamSettings>,
}

impl Default for StreamsSection {
    fn default() -> Self {
        Self {
            tag_key: "stream".into(),
            name_regex: None,
            poll: "2m".into(),
            max_concurrency: 4,
            discover: true,
            landing: None,
            partition: None,
            catalog: None,
            fresh_within: None,
            ready_by: None,
            timezone: None,
            final_step: None,
            stream: BTreeMap::new(),
        }
    }
}

impl StreamsSection {
    /// The defaults every stream starts from.
    fn defaults(&self) -> StreamSettings {
        StreamSettings {
            landing: self.landing.clone(),
            partition: self.partition.clone(),
            catalog: self.catalog.clone(),
            fresh_within: self.fresh_within.clone(),
            ready_by: self.ready_by.clone(),
            timezone: self.timezone.clone(),
            final_step: self.final_step.clone(),
        }
    }

    /// The settings of stream `name`: its own over the defaults. Its own `fresh_within` or
    /// `ready_by` replaces both defaults (a stream has one SLA).
    pub fn settings_of(&self, name: &str) -> StreamSettings {
        let mut s = self.defaults();
        if let Some(own) = self.stream.get(name) {
            if own.fresh_within.is_some() || own.ready_by.is_some() {
                s.fresh_within = own.fresh_within.clone();
                s.ready_by = own.ready_by.clone();
            }
            let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
            s.landing = pick(&own.landing, &s.landing);
            s.partition = pick(&own.partition, &s.partition);
            s.timezone = pick(&own.timezone, &s.timezone);
            s.final_step = pick(&own.final_step, &s.final_step);
            s.catalog = own.catalog.clone().or(s.catalog);
        }
        s
    }

    /// What stream `name` is expected to do, resolved (bad values were refused at load, so
    /// this falls back to "nothing expected" rather than failing).
    pub fn spec(&self, name: &str) -> Spec {
        compile(&self.settings_of(name), name).unwrap_or_else(|_| Spec::none(name))
    }

    /// Whether anything needs reading: a landing or catalog, by default or for one stream.
    pub fn configured(&self) -> bool {
        let any = |s: &StreamSettings| s.landing.is_some() || s.catalog.as_ref().is_some_and(|c| !c.is_empty());
        any(&self.defaults()) || self.stream.values().any(any)
    }

    /// Streams named in the config.
    pub fn named(&self) -> impl Iterator<Item = &String> {
        self.stream.keys()
    }

    /// Every value checked, as one line naming the key: `Err("streams.stream.orders.ready_by: ...")`.
    pub fn check(&self) -> Result<(), String> {
        crate::duration::parse(&self.poll).map_err(|e| format!("streams.poll: {e}"))?;
        if self.max_concurrency == 0 {
            return Err("streams.max_concurrency: must be at least 1".into());
        }
        let levels = std::iter::once(("streams".to_string(), self.defaults()))
            .chain(self.stream.iter().map(|(n, s)| (format!("streams.stream.{n}"), s.clone())));
        for (key, s) in levels {
            if s.fresh_within.is_some() && s.ready_by.is_some() {
                return Err(format!("{key}: set fresh_within or ready_by, not both"));
            }
            compile(&s, "x").map_err(|e| format!("{key}.{e}"))?;
        }
        for name in self.stream.keys() {
            compile(&self.settings_of(name), name).map_err(|e| format!("streams.stream.{name}.{e}"))?;
        }
        Ok(())
    }
}

/// Resolve one stream's settings; errors name the key (`ready_by: ...`).
fn compile(s: &StreamSettings, name: &str) -> Result<Spec, String> {
    let fill = |t: &str| t.replace("{stream}", name);
    let landing = match &s.landing {
        Some(l) => Some(parse_landing(&fill(l)).map_err(|e| format!("landing: {e}"))?),
        None => None,
    };
    let layout =
        Layout::parse(s.partition.as_deref().unwrap_or("dt={yyyy-MM-dd}")).map_err(|e| format!("partition: {e}"))?;
    let tz = parse_tz(s.timezone.as_deref().unwrap_or("UTC")).map_err(|e| format!("timezone: {e}"))?;
    let sla = match (&s.fresh_within, &s.ready_by) {
        (Some(f), _) => {
            let d = crate::duration::parse(f).map_err(|e| format!("fresh_within: {e}"))?;
            Sla::FreshWithin(chrono::Duration::from_std(d).map_err(|e| format!("fresh_within: {e}"))?)
        }
        (None, Some(r)) => Sla::ReadyBy(parse_ready_by(r).map_err(|e| format!("ready_by: {e}"))?),
        (None, None) => Sla::None,
    };
    let mut catalog = Vec::new();
    for entry in s.catalog.iter().flatten() {
        let entry = fill(entry);
        let Some((db, table)) = entry.split_once('.').filter(|(d, t)| !d.is_empty() && !t.is_empty()) else {
            return Err(format!("catalog: `{entry}` is not database.table"));
        };
        catalog.push((db.to_string(), table.to_string()));
    }
    Ok(Spec {
        name: name.to_string(),
        landing,
        layout,
        catalog,
        sla,
        tz,
        final_step: s.final_step.as_deref().map(fill),
    })
}
