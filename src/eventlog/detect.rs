//! Which codec a part is written with: named by its extension (as Spark names them: `.lz4`,
//! `.lzf`, `.snappy`, `.zstd`; Databricks' `.gz`), checked against its first bytes, so a renamed
//! file gives a clear error and never garbage. A file without a codec extension is recognised by
//! its first bytes alone.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use super::EventLogError;
use super::{lz4block, lzf, snappy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codec {
    Plain,
    Zstd,
    Lz4,
    Snappy,
    Lzf,
    Gzip,
}

impl Codec {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Codec::Plain => "plain text",
            Codec::Zstd => "zstd",
            Codec::Lz4 => "lz4",
            Codec::Snappy => "snappy",
            Codec::Lzf => "lzf",
            Codec::Gzip => "gzip",
        }
    }

    /// The first bytes of every stream of this codec.
    fn magic(self) -> &'static [u8] {
        match self {
            Codec::Plain => b"",
            Codec::Zstd => &[0x28, 0xB5, 0x2F, 0xFD],
            Codec::Lz4 => lz4block::MAGIC,
            Codec::Snappy => snappy::MAGIC,
            Codec::Lzf => lzf::MAGIC,
            Codec::Gzip => &[0x1F, 0x8B],
        }
    }

    fn from_extension(ext: &str) -> Option<Codec> {
        Some(match ext {
            "zstd" | "zst" => Codec::Zstd,
            "lz4" => Codec::Lz4,
            "snappy" => Codec::Snappy,
            "lzf" => Codec::Lzf,
            "gz" | "gzip" => Codec::Gzip,
            _ => return None,
        })
    }
}

/// What the first bytes say.
#[derive(Debug, PartialEq)]
enum Sniffed {
    Codec(Codec),
    /// A compressed format Spark does not write for event logs.
    Unsupported(&'static str),
    Text,
    Unknown,
}

fn sniff(head: &[u8]) -> Sniffed {
    let zstd_skippable = head.len() >= 4 && head[0] & 0xF0 == 0x50 && head[1..4] == [0x2A, 0x4D, 0x18];
    for codec in [Codec::Zstd, Codec::Lz4, Codec::Snappy, Codec::Gzip] {
        if head.starts_with(codec.magic()) {
            return Sniffed::Codec(codec);
        }
    }
    if zstd_skippable {
        Sniffed::Codec(Codec::Zstd)
    } else if head.starts_with(lzf::MAGIC) && head.get(2).is_some_and(|&t| t <= 1) {
        Sniffed::Codec(Codec::Lzf)
    } else if head.starts_with(&[0x04, 0x22, 0x4D, 0x18]) {
        Sniffed::Unsupported("lz4-frame")
    } else if head.starts_with(b"\xff\x06\x00\x00sNaPpY") {
        Sniffed::Unsupported("snappy-framed")
    } else if head.first().is_none_or(|b| matches!(b, b'{' | b'\n' | b'\r' | b' ' | b'\t')) {
        Sniffed::Text
    } else {
        Sniffed::Unknown
    }
}

/// The codec of the file at `path`: from the name, checked against the first bytes.
pub(crate) fn codec(path: &Path) -> Result<Codec, EventLogError> {
    codec_of(path, &head(path)?)
}

/// The codec of a part named `path` (a file, or an object's URI) that starts with `head` (its
/// first 16 bytes, or all of it when shorter).
pub(crate) fn codec_of(path: &Path, head: &[u8]) -> Result<Codec, EventLogError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let name = name.strip_suffix(".inprogress").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let named = Codec::from_extension(ext);
    let wrong = |what: String| Err(EventLogError::WrongCodec { path: path.to_path_buf(), message: what });
    match (named, sniff(head)) {
        (_, Sniffed::Unsupported(codec)) => Err(EventLogError::UnsupportedCodec { path: path.to_path_buf(), codec }),
        (None, Sniffed::Codec(found)) => Ok(found),
        (None, _) => Ok(Codec::Plain),
        (Some(named), Sniffed::Codec(found)) if found == named => Ok(named),
        (Some(_), Sniffed::Codec(found)) => wrong(format!(
            "named .{ext} but holds {} data; rename it to .{} (Spark names each log by its codec)",
            found.name(),
            found.name().replace("gzip", "gz")
        )),
        // Empty, or cut inside the magic: a log just started (or cut); the decoder reads what is there.
        (Some(named), _) if named.magic().starts_with(head) => Ok(named),
        (Some(named), Sniffed::Text) => {
            wrong(format!("named .{ext} but holds plain text, not {} data; rename it without .{ext}", named.name()))
        }
        (Some(named), Sniffed::Unknown) => wrong(format!(
            "named .{ext} but does not start as {} data does: not a Spark event log, or damaged at its start",
            named.name()
        )),
    }
}

/// How many first bytes [`codec_of`] looks at.
pub(crate) const HEAD: usize = 16;

/// Up to the first 16 bytes of the file.
fn head(path: &Path) -> Result<Vec<u8>, EventLogError> {
    let mut head = [0u8; HEAD];
    let mut file = File::open(path).map_err(|e| super::source::io_error(path, e))?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(super::source::io_error(path, e)),
        }
    }
    Ok(head[..n].to_vec())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn scratch() -> PathBuf {
        crate::eventlog::scratch("detect")
    }

    #[test]
    fn codecs_by_name_and_magic() {
        let dir = scratch();
        let cases: [(&str, &[u8], Result<Codec, &str>); 17] = [
            ("plain", b"{\"Event\":1}\n", Ok(Codec::Plain)),
            ("renamed", &[0x28, 0xB5, 0x2F, 0xFD, 0, 0], Ok(Codec::Zstd)),
            ("app.zstd.inprogress", &[0x28, 0xB5, 0x2F, 0xFD], Ok(Codec::Zstd)),
            ("odd.zstd", b"\x00\x01", Err("named .zstd but does not start as zstd data does")),
            ("app.lz4", b"LZ4Block\x10\x00", Ok(Codec::Lz4)),
            ("app-lz4", b"LZ4Block\x10\x00", Ok(Codec::Lz4)),
            ("app.lz4.inprogress", b"LZ4B", Ok(Codec::Lz4)),
            ("app.snappy", b"\x82SNAPPY\x00\x00\x00\x00\x01", Ok(Codec::Snappy)),
            ("app.snappy.inprogress", b"", Ok(Codec::Snappy)),
            ("app.lzf", b"ZV\x01\x00\x05", Ok(Codec::Lzf)),
            ("part.gz", &[0x1F, 0x8B, 8, 0], Ok(Codec::Gzip)),
            ("eventlog-2021", &[0x1F, 0x8B, 8, 0], Ok(Codec::Gzip)),
            ("lz4.snappy", b"LZ4Block\x10\x00", Err("named .snappy but holds lz4 data; rename it to .lz4")),
            ("text.lz4", b"{\"Event\":1}\n", Err("named .lz4 but holds plain text")),
            ("junk.lzf", b"\x00\x00\x00", Err("named .lzf but does not start as lzf data does")),
            ("gz.zstd", &[0x1F, 0x8B, 8, 0], Err("rename it to .gz")),
            ("cli.lz4", &[0x04, 0x22, 0x4D, 0x18], Err("lz4 frame format (the lz4 command's")),
        ];
        for (name, bytes, want) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            match (codec(&path), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{name}"),
                (Err(e), Err(part)) => assert!(e.to_string().contains(part), "{name}: {e}"),
                (other, _) => panic!("{name}: {other:?}"),
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
