//! `[eventlog]` and `[eventlog.findings]`: how event logs are read (from S3: part size and
//! parallel GETs) and the thresholds of the findings. Every value is checked as it is read,
//! so a bad one is reported at its line and column like any other config error.

use std::time::Duration;

use serde::Deserialize;

use super::HumanDuration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventlogSection {
    /// Skew: the slowest task of a stage must take longer than this ...
    pub skew_floor: HumanDuration,
    /// ... and more than this many times the stage's p75 task duration.
    pub skew_ratio: f64,
    /// How often an open event log is checked for new bytes (Glue flushes every 30 s).
    pub follow_every: HumanDuration,
    /// Bytes per ranged GET when a log is read from S3.
    pub s3_part_size: PartSize,
    /// Ranged GETs in flight at once (at most `s3_parallelism × s3_part_size` is buffered).
    pub s3_parallelism: Parallelism,
    pub findings: FindingsSection,
}

impl Default for EventlogSection {
    fn default() -> Self {
        Self {
            skew_floor: HumanDuration(Duration::from_secs(5)),
            skew_ratio: 1.5,
            follow_every: HumanDuration(Duration::from_secs(10)),
            s3_part_size: PartSize(ByteSize(8 << 20)),
            s3_parallelism: Parallelism(4),
            findings: FindingsSection::default(),
        }
    }
}

/// The thresholds of the findings that are not about one stage's tasks alone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FindingsSection {
    /// Idle slots: a stage whose tasks fill less than this share of the executor cores ...
    pub min_slot_use: Share,
    /// ... and that ran at least this long.
    pub idle_slots_min_stage: HumanDuration,
    /// Small files: a stage reading less than this per task on average ...
    pub small_partition: ByteSize,
    /// ... over at least this many tasks.
    pub small_partition_min_tasks: Count,
    /// A broadcast (BroadcastExchange data size) larger than this.
    pub large_broadcast: ByteSize,
    /// Shuffle partitions left at 200: a 200-task stage reading less shuffle data than this per task.
    pub small_shuffle_partition: ByteSize,
    /// Failing host: at least this many failed tasks in all ...
    pub host_failures_min: Count,
    /// ... of which at least this share on one host (that ran a smaller share of the tasks).
    pub host_failure_share: Share,
    /// Speculation waste: attempts killed because another attempt succeeded took more than
    /// this share of all task time ...
    pub speculation_waste_share: Share,
    /// ... and at least this long in all.
    pub speculation_waste_min: HumanDuration,
}

impl Default for FindingsSection {
    fn default() -> Self {
        Self {
            min_slot_use: Share(0.5),
            idle_slots_min_stage: HumanDuration(Duration::from_secs(30)),
            small_partition: ByteSize(8 << 20),
            small_partition_min_tasks: Count(100),
            large_broadcast: ByteSize(128 << 20),
            small_shuffle_partition: ByteSize(4 << 20),
            host_failures_min: Count(3),
            host_failure_share: Share(0.75),
            speculation_waste_share: Share(0.1),
            speculation_waste_min: HumanDuration(Duration::from_secs(60)),
        }
    }
}

impl EventlogSection {
    /// The analysis options these settings give.
    pub fn options(&self) -> crate::eventlog::Options {
        let f = &self.findings;
        crate::eventlog::Options {
            skew_floor_ms: self.skew_floor.0.as_millis() as u64,
            skew_ratio: self.skew_ratio,
            min_slot_use: f.min_slot_use.0,
            idle_slots_min_stage_ms: f.idle_slots_min_stage.0.as_millis() as u64,
            small_partition_bytes: f.small_partition.0,
            small_partition_min_tasks: f.small_partition_min_tasks.0,
            large_broadcast_bytes: f.large_broadcast.0,
            small_shuffle_partition_bytes: f.small_shuffle_partition.0,
            host_failures_min: f.host_failures_min.0,
            host_failure_share: f.host_failure_share.0,
            speculation_waste_share: f.speculation_waste_share.0,
            speculation_waste_min_ms: f.speculation_waste_min.0.as_millis() as u64,
            ..Default::default()
        }
    }

    /// How logs on S3 are read.
    pub fn reading(&self) -> crate::eventlog::Reading {
        crate::eventlog::Reading { part_size: self.s3_part_size.0.0, parallelism: self.s3_parallelism.0 }
    }
}

/// A size written as text: `8MiB`, `512KiB`, `1GB`, `4096` (bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn parse(text: &str) -> Result<ByteSize, String> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let unit_bytes: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "kib" => 1 << 10,
            "m" | "mb" => 1_000_000,
            "mib" => 1 << 20,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            _ => return Err(format!("`{text}` is not a size: write a number and a unit, e.g. \"8MiB\" or \"512KiB\"")),
        };
        let n: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a size: write a number and a unit, e.g. \"8MiB\" or \"512KiB\""))?;
        let bytes = n * unit_bytes as f64;
        if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
            return Err(format!("`{text}` is out of range"));
        }
        Ok(ByteSize(bytes.round() as u64))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d)
            .map_err(|_| serde::de::Error::custom("a size is text like \"8MiB\" or a number of bytes"))?
        {
            Raw::Bytes(n) => Ok(ByteSize(n)),
            Raw::Text(t) => ByteSize::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// `s3_part_size`: 64 KiB to 1 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartSize(pub ByteSize);

impl<'de> Deserialize<'de> for PartSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let size = ByteSize::deserialize(d)?;
        if !((64 << 10)..=(1 << 30)).contains(&size.0) {
            return Err(serde::de::Error::custom("must be between 64KiB and 1GiB (e.g. \"8MiB\")"));
        }
        Ok(PartSize(size))
    }
}

/// `s3_parallelism`: 1 to 64 GETs at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallelism(pub usize);

impl<'de> Deserialize<'de> for Parallelism {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        match usize::try_from(n) {
            Ok(n) if (1..=64).contains(&n) => Ok(Parallelism(n)),
            _ => Err(serde::de::Error::custom("must be between 1 and 64 GETs at once")),
        }
    }
}

/// A share: a number above 0 and at most 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share(pub f64);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let x = f64::deserialize(d)?;
        if x.is_finite() && x > 0.0 && x <= 1.0 {
            Ok(Share(x))
        } else {
            Err(serde::de::Error::custom("must be a share above 0 and at most 1, e.g. 0.5"))
        }
    }
}

/// A count of at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::try_from(i64::deserialize(d)?) {
            Ok(n) if n >= 1 => Ok(Count(n)),
            _ => Err(serde::de::Error::custom("must be a whole number of at least 1")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_units() {
        assert_eq!(ByteSize::parse("8MiB"), Ok(ByteSize(8 << 20)));
        assert_eq!(ByteSize::parse("1.5 KiB"), Ok(ByteSize(1536)));
        assert_eq!(ByteSize::parse("2GB"), Ok(ByteSize(2_000_000_000)));
        assert_eq!(ByteSize::parse("4096"), Ok(ByteSize(4096)));
        assert!(ByteSize::parse("8 parsecs").is_err());
        assert!(ByteSize::parse("MiB").is_err());
    }

    fn error_of(text: &str) -> String {
        crate::config::parse(text, "c.toml").expect_err("invalid").to_string()
    }

    #[test]
    fn bad_values_are_located() {
        let e = error_of("[eventlog]\ns3_parallelism = 0\n");
        assert!(e.starts_with("c.toml:2:18: eventlog.s3_parallelism: must be between 1 and 64"), "{e}");
        let e = error_of("[eventlog]\ns3_part_size = \"1KiB\"\n");
        assert!(e.starts_with("c.toml:2:16: eventlog.s3_part_size: must be between 64KiB and 1GiB"), "{e}");
        let e = error_of("[eventlog.findings]\nhost_failure_share = 1.5\n");
        assert!(e.starts_with("c.toml:2:22: eventlog.findings.host_failure_share: must be a share"), "{e}");
        let e = error_of("[eventlog.findings]\n\nlarge_broadcast = \"big\"\n");
        assert!(e.starts_with("c.toml:3:19: eventlog.findings.large_broadcast: `big` is not a size"), "{e}");
        let ok = crate::config::parse(
            "[eventlog]\ns3_part_size = \"16MiB\"\ns3_parallelism = 8\n[eventlog.findings]\nlarge_broadcast = \"1GiB\"\n",
            "c.toml",
        )
        .expect("valid");
        let ev = &ok.config.eventlog;
        assert_eq!(ev.reading(), crate::eventlog::Reading { part_size: 16 << 20, parallelism: 8 });
        assert_eq!(ev.options().large_broadcast_bytes, 1 << 30);
    }
}
