//! Parts whose bytes arrive from elsewhere (an S3 object read by ranges) instead of a file:
//! the codec is told from the name and the first bytes, then the bytes are decoded and fed to
//! the analyser as they come, in order.

use std::io::Read;
use std::path::Path;

use super::EventLogError;
use super::analyzer::Analyzer;
use super::detect::{self, Codec};
use super::source::{self, ReadOutcome};

/// How feeding one part went: decoded bytes fed, and whether the compressed stream stopped early.
pub type Fed = ReadOutcome;

/// Where a part's bytes start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At the start of the part: its codec is checked, and a part fed before it is complete.
    Fresh,
    /// Where an earlier feed of the same (plain) part stopped: its bytes go straight on.
    Continued,
}

/// Feed the part named `name` (for its codec and for messages) from `reader` to `analyzer`.
/// A read error of `reader` ends the part like a file's read error does; the caller tells a
/// transport failure from damaged data (see `app::fetch`).
pub fn feed_part(
    analyzer: &mut Analyzer,
    name: &Path,
    mut reader: impl Read + Send,
    start: Start,
    first: bool,
) -> Result<Fed, EventLogError> {
    if start == Start::Continued {
        let bytes = source::pump(&mut reader, 0, analyzer).map_err(|(_, e)| source::io_error(name, e))?;
        return Ok(Fed { bytes, cut: None });
    }
    if !first {
        analyzer.end_part();
    }
    let mut head = [0u8; detect::HEAD];
    let n = fill(&mut reader, &mut head).map_err(|e| source::io_error(name, e))?;
    let codec = detect::codec_of(name, &head[..n])?;
    let mut whole = std::io::Cursor::new(&head[..n]).chain(reader);
    if codec == Codec::Plain {
        let bytes = source::pump(&mut whole, 0, analyzer).map_err(|(_, e)| source::io_error(name, e))?;
        return Ok(Fed { bytes, cut: None });
    }
    let mut decoder = source::decoder(codec, whole).map_err(|e| source::io_error(name, e))?;
    match source::pump(&mut decoder, 0, analyzer) {
        Ok(bytes) => Ok(Fed { bytes, cut: None }),
        Err((0, e)) => {
            Err(EventLogError::Corrupt { path: name.to_path_buf(), message: format!("{}: {e}", codec.name()) })
        }
        Err((bytes, e)) => Ok(Fed { bytes, cut: Some(format!("{}: {e}", codec.name())) }),
    }
}

/// The remark a summary gets when a compressed part stops early.
pub fn note_cut(analyzer: &mut Analyzer, name: &Path, why: &str) {
    analyzer.note(format!(
        "{}: the compressed stream stops early ({why}); read up to there, the rest of the file is skipped",
        name.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
}

/// Whether a part named `name` is compressed by its name alone (a grown compressed part is read
/// again from its start; a plain one from where it stopped).
pub fn named_compressed(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix(".inprogress").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    matches!(ext, "zstd" | "zst" | "lz4" | "snappy" | "lzf" | "gz" | "gzip")
}

/// The parts of one log among the file names of a folder, in reading order (see `source`);
/// Err(None) when none is left, Err(Some(why)) when they are not one log.
pub fn order_names(names: Vec<String>) -> Result<Vec<String>, Option<String>> {
    source::order_names(names.into_iter().filter(|n| !source::is_marker(n)).collect())
}

/// Not part of a log: hidden files, `.crc` checksums, the rolling log's `appstatus_` marker.
pub fn is_marker(name: &str) -> bool {
    source::is_marker(name)
}

/// Read until `buf` is full or the end; the bytes read.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eventlog::Options;

    const LINE: &str = "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":1,\"Stage Infos\":[],\"Stage IDs\":[]}\n";

    #[test]
    fn a_stream_reads_as_the_file_and_checks_its_codec() {
        let text = LINE.repeat(3);
        let mut z = Vec::new();
        zstd::stream::copy_encode(text.as_bytes(), &mut z, 1).unwrap();
        let mut a = Analyzer::new(Options::default());
        let fed = feed_part(&mut a, Path::new("s3://b/app.zstd"), &z[..], Start::Fresh, true).unwrap();
        assert_eq!(fed.bytes, text.len() as u64);
        let half = &LINE.as_bytes()[..20];
        feed_part(&mut a, Path::new("s3://b/events_2_app"), half, Start::Fresh, false).unwrap();
        feed_part(&mut a, Path::new("s3://b/events_2_app"), &LINE.as_bytes()[20..], Start::Continued, false).unwrap();
        let s = a.finish();
        assert_eq!((s.lines, s.skipped_lines), (4, 0));
        let mut b = Analyzer::new(Options::default());
        let wrong = feed_part(&mut b, Path::new("s3://b/app.lz4"), text.as_bytes(), Start::Fresh, true);
        assert!(wrong.is_err_and(|e| e.to_string().contains("named .lz4 but holds plain text")));
        match feed_part(&mut b, Path::new("s3://b/app.zstd"), &z[..z.len() / 2], Start::Fresh, true) {
            Ok(fed) => assert!(fed.cut.is_some(), "{fed:?}"),
            Err(e) => assert!(e.to_string().starts_with("s3://b/app.zstd: cannot decompress (zstd"), "{e}"),
        }
        assert!(named_compressed("events_1_app.zstd.inprogress") && !named_compressed("eventlog"));
    }
}
