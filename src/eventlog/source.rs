//! Where the bytes come from: one file (plain or compressed: zstd, lz4, snappy, lzf, gzip; maybe
//! `.inprogress`), a rolling directory (`eventlog_v2_<appId>/events_<n>_<appId>[.<codec>]`), a Databricks-style directory (`eventlog`
//! plus dated `eventlog-<date>` parts) or a directory holding a single log file.

use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::EventLogError;
use super::analyzer::Analyzer;
use super::detect;
use super::framing::Blocks;
use super::reading::Watch;
use super::{lz4block::Lz4Block, lzf::Lzf, snappy::Snappy};

pub(crate) use super::detect::Codec;

/// One file of an event log, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub path: PathBuf,
    pub codec: Codec,
}

const READ_BUF: usize = 1 << 20;
const INPROGRESS: &str = ".inprogress";

/// The files that make up the event log at `path`, in order, with their codecs.
pub(crate) fn parts(path: &Path) -> Result<Vec<Part>, EventLogError> {
    let path = existing(path)?;
    let meta = std::fs::metadata(&path).map_err(|e| io_error(&path, e))?;
    let files = if meta.is_dir() { dir_parts(&path)? } else { vec![path] };
    files.into_iter().map(|p| Ok(Part { codec: detect::codec(&p)?, path: p })).collect()
}

/// `path`, or the same log under its other name (`.inprogress` added or removed: the application
/// finished or is still running).
fn existing(path: &Path) -> Result<PathBuf, EventLogError> {
    if path.exists() {
        return Ok(path.to_path_buf());
    }
    let text = path.as_os_str().to_string_lossy();
    let other = match text.strip_suffix(INPROGRESS) {
        Some(done) => PathBuf::from(done),
        None => PathBuf::from(format!("{text}{INPROGRESS}")),
    };
    if other.exists() { Ok(other) } else { Err(EventLogError::NotFound(path.to_path_buf())) }
}

fn dir_parts(dir: &Path) -> Result<Vec<PathBuf>, EventLogError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(|e| io_error(dir, e))?.is_file() || entry.path().is_file();
        if is_file && !is_marker(&name) {
            names.push(name);
        }
    }
    order_names(names).map(|ordered| ordered.into_iter().map(|n| dir.join(n)).collect()).map_err(|why| match why {
        None => EventLogError::Empty(dir.to_path_buf()),
        Some(message) => EventLogError::NotAnEventLog { path: dir.to_path_buf(), message },
    })
}

/// The names of the files in one folder (hidden, `.crc` and `appstatus_` markers left out) in
/// the order of the parts of one event log; Err(None) when there is none, Err(Some(why)) when
/// they are not one log.
pub(crate) fn order_names(names: Vec<String>) -> Result<Vec<String>, Option<String>> {
    // Rolling event log: events_<n>_<appId>[.codec], in numeric order of n.
    let mut rolling: Vec<(u64, String)> = names
        .iter()
        .filter_map(|n| {
            let rest = n.strip_prefix("events_")?;
            let (index, _) = rest.split_once('_')?;
            Some((index.parse().ok()?, n.clone()))
        })
        .collect();
    if !rolling.is_empty() {
        rolling.sort();
        return Ok(rolling.into_iter().map(|(_, n)| n).collect());
    }
    // Databricks-style: dated parts eventlog-YYYY-MM-DD--HH-MM[.gz] (oldest first), then eventlog.
    let mut dated: Vec<&String> = names.iter().filter(|n| n.starts_with("eventlog-")).collect();
    let current = names.iter().find(|n| *n == "eventlog");
    if current.is_some() || !dated.is_empty() {
        dated.sort();
        return Ok(dated.into_iter().chain(current).cloned().collect());
    }
    match names.len() {
        0 => Err(None),
        1 => Ok(names),
        many => Err(Some(format!(
            "the directory holds {many} files and is not a rolling event log (eventlog_v2_<appId>/events_<n>_<appId>); pass one file"
        ))),
    }
}

/// Not part of the log: hidden files, checksums, the rolling log's status marker.
pub(crate) fn is_marker(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("appstatus_") || name.ends_with(".crc")
}

/// How reading one part went.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Decoded bytes fed to the analyser.
    pub bytes: u64,
    /// The compressed stream stopped early (in-progress or damaged), with the decoder's message.
    pub cut: Option<String>,
}

/// Feed `part` to `analyzer`, leaving out its first `skip` decoded bytes (already fed earlier);
/// each read from disk is told to `watch`, which may stop the read.
pub(crate) fn read_part(
    part: &Part,
    skip: u64,
    analyzer: &mut Analyzer,
    watch: &dyn Watch,
) -> Result<ReadOutcome, EventLogError> {
    let out = read_watched(part, skip, analyzer, watch);
    // A decoder may take the stop for the end of its data: the flag says what it was.
    if watch.stop() { Err(EventLogError::Stopped(part.path.clone())) } else { out }
}

fn read_watched(
    part: &Part,
    skip: u64,
    analyzer: &mut Analyzer,
    watch: &dyn Watch,
) -> Result<ReadOutcome, EventLogError> {
    let mut file = File::open(&part.path).map_err(|e| io_error(&part.path, e))?;
    if part.codec == Codec::Plain && skip > 0 {
        file.seek(SeekFrom::Start(skip)).map_err(|e| io_error(&part.path, e))?;
    }
    let mut file = Watched { file, watch };
    match part.codec {
        Codec::Plain => {
            let bytes = pump(&mut file, 0, analyzer).map_err(|(_, e)| io_error(&part.path, e))?;
            Ok(ReadOutcome { bytes, cut: None })
        }
        codec => {
            let mut decoder = decoder(codec, file).map_err(|e| io_error(&part.path, e))?;
            match pump(&mut decoder, skip, analyzer) {
                Ok(bytes) => Ok(ReadOutcome { bytes, cut: None }),
                Err((0, e)) if skip == 0 => {
                    Err(EventLogError::Corrupt { path: part.path.clone(), message: format!("{}: {e}", codec.name()) })
                }
                Err((bytes, e)) => Ok(ReadOutcome { bytes, cut: Some(format!("{}: {e}", codec.name())) }),
            }
        }
    }
}

/// A file whose reads are told to a [`Watch`], and fail once it says stop.
struct Watched<'w> {
    file: File,
    watch: &'w dyn Watch,
}

impl Read for Watched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.watch.stop() {
            return Err(std::io::Error::other("the read was stopped"));
        }
        let n = self.file.read(buf)?;
        self.watch.read(n as u64);
        Ok(n)
    }
}

/// The size on disk of `path` (0 when it cannot be read: the read says why).
pub(crate) fn disk_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The decoded bytes of one file of an event log.
pub(crate) fn open(path: &Path) -> Result<Box<dyn Read + Send>, EventLogError> {
    let codec = detect::codec(path)?;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    decoder(codec, file).map_err(|e| io_error(path, e))
}

/// A reader of the decoded bytes of a compressed file (or stream).
pub(crate) fn decoder<'a>(codec: Codec, file: impl Read + Send + 'a) -> std::io::Result<Box<dyn Read + Send + 'a>> {
    Ok(match codec {
        Codec::Plain => Box::new(file),
        Codec::Zstd => Box::new(zstd::stream::read::Decoder::new(file)?),
        Codec::Gzip => Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, file))),
        Codec::Lz4 => Box::new(Blocks::new(file, Lz4Block::default())),
        Codec::Snappy => Box::new(Blocks::new(file, Snappy::default())),
        Codec::Lzf => Box::new(Blocks::new(file, Lzf::default())),
    })
}

/// Read to the end, dropping the first `skip` bytes and feeding the rest. On error, returns the
/// bytes fed so far with it.
pub(crate) fn pump(
    reader: &mut impl Read,
    mut skip: u64,
    analyzer: &mut Analyzer,
) -> Result<u64, (u64, std::io::Error)> {
    let mut buf = vec![0u8; READ_BUF];
    let mut fed = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(fed),
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err((fed, e)),
        };
        let dropped = usize::try_from(skip).unwrap_or(usize::MAX).min(n);
        skip -= dropped as u64;
        let data = &buf[dropped..n];
        if !data.is_empty() {
            analyzer.feed(data);
            fed += data.len() as u64;
        }
    }
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> EventLogError {
    if source.kind() == ErrorKind::NotFound {
        EventLogError::NotFound(path.to_path_buf())
    } else {
        EventLogError::Io { path: path.to_path_buf(), source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::eventlog::scratch;

    #[test]
    fn rolling_parts_in_numeric_order_without_markers() {
        let dir = scratch("rolling");
        for name in ["events_10_app", "events_2_app", "events_1_app", ".events_1_app.crc", "appstatus_app.inprogress"] {
            std::fs::write(dir.join(name), "{}\n").unwrap();
        }
        let names: Vec<String> =
            parts(&dir).unwrap().iter().map(|p| p.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["events_1_app", "events_2_app", "events_10_app"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn inprogress_name_is_found_either_way() {
        let dir = scratch("inprogress");
        std::fs::write(dir.join("app-1.inprogress"), "{}\n").unwrap();
        assert_eq!(parts(&dir.join("app-1")).unwrap()[0].path, dir.join("app-1.inprogress"));
        assert!(matches!(parts(&dir.join("nope")), Err(EventLogError::NotFound(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
