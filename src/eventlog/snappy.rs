//! Spark's `.snappy` event logs: snappy-java's `SnappyOutputStream` framing, as Spark's
//! `SnappyCompressionCodec` writes it.
//!
//! A 16-byte header (the magic `\x82SNAPPY\x00`, then a big-endian version and minimum compatible
//! version, both 1 today), then blocks: a big-endian length and that many bytes of raw snappy.
//! There is no end marker and no checksum (snappy's own format checks its lengths). A stream may
//! follow another (snappy-java reads a header where a length would be as the start of the next).

use std::io::{self, Read};

use super::framing::{Frame, Source, Step, be_u32, corrupt};

pub(crate) const MAGIC: &[u8; 8] = b"\x82SNAPPY\x00";
/// The magic's first four bytes read as a block length: a concatenated stream's header.
const MAGIC_HEAD: u32 = 0x8253_4E41;
/// Larger blocks are damage (Spark writes 32 KiB blocks; snappy-java refuses over 512 MiB).
const MAX_BLOCK: usize = 1 << 28;

#[derive(Debug, Default)]
pub(crate) struct Snappy {
    header_read: bool,
    compressed: Vec<u8>,
    decoder: snap::raw::Decoder,
}

impl Snappy {
    fn header<R: Read>(&mut self, src: &mut Source<R>, head: Option<[u8; 4]>) -> io::Result<()> {
        let at = src.offset() - if head.is_some() { 4 } else { 0 };
        let mut header = [0u8; 16];
        let start = match head {
            Some(h) => {
                header[..4].copy_from_slice(&h);
                4
            }
            None => 0,
        };
        src.exact(&mut header[start..], "the stream header")?;
        if &header[..8] != MAGIC {
            return Err(corrupt(format!("the stream at byte {at} does not start with the snappy-java magic")));
        }
        let version = be_u32(&header[8..12]);
        if version < 1 {
            return Err(corrupt(format!("unknown snappy-java stream version {version} at byte {at}")));
        }
        self.header_read = true;
        Ok(())
    }
}

impl Frame for Snappy {
    fn next<R: Read>(&mut self, src: &mut Source<R>, out: &mut Vec<u8>) -> io::Result<Step> {
        if !self.header_read {
            if src.at_end()? {
                return Ok(Step::End);
            }
            self.header(src, None)?;
        }
        if src.at_end()? {
            return Ok(Step::End);
        }
        let at = src.offset();
        let mut len = [0u8; 4];
        src.exact(&mut len, "a block length")?;
        let n = be_u32(&len);
        if n == MAGIC_HEAD {
            self.header(src, Some(len))?;
            return Ok(Step::Block);
        }
        let n = n as usize;
        if n == 0 || n > MAX_BLOCK {
            return Err(corrupt(format!("bad block length {n} at byte {at}")));
        }
        src.exact_vec(&mut self.compressed, n, "a block")?;
        let decoded = snap::raw::decompress_len(&self.compressed)
            .map_err(|e| corrupt(format!("the block at byte {at} does not decode ({e})")))?;
        // A snappy block decodes to at most ~22 times its size (3-byte copies of 64 bytes).
        if decoded > MAX_BLOCK || decoded > n.saturating_mul(32) + 64 {
            return Err(corrupt(format!("the block at byte {at} claims {decoded} decoded bytes")));
        }
        out.resize(decoded, 0);
        self.decoder
            .decompress(&self.compressed, out)
            .map_err(|e| corrupt(format!("the block at byte {at} does not decode ({e})")))?;
        Ok(Step::Block)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `text` as snappy-java writes it, in blocks of `block` bytes.
    pub(crate) fn encode(text: &[u8], block: usize) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1]);
        for chunk in text.chunks(block) {
            let packed = snap::raw::Encoder::new().compress_vec(chunk).unwrap();
            out.extend_from_slice(&(packed.len() as u32).to_be_bytes());
            out.extend_from_slice(&packed);
        }
        out
    }

    fn decode(bytes: &[u8]) -> io::Result<Vec<u8>> {
        crate::eventlog::framing::decode_all::<Snappy>(bytes)
    }

    #[test]
    fn round_trip_and_concatenated_streams() {
        let text: Vec<u8> = (0..500).flat_map(|i| format!("{{\"n\":{i}}}\n").into_bytes()).collect();
        assert_eq!(decode(&encode(&text, 1000)).unwrap(), text);
        let mut two = encode(&text[..10], 1000);
        two.extend(encode(&text[10..], 333));
        assert_eq!(decode(&two).unwrap(), text);
        assert_eq!(decode(&encode(b"", 10)).unwrap(), b"");
    }

    #[test]
    fn damage_is_named_with_its_offset() {
        let text: Vec<u8> = (0..500).flat_map(|i| format!("{{\"n\":{i}}}\n").into_bytes()).collect();
        let good = encode(&text, 1000);
        let cut = decode(&good[..good.len() - 5]).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
        let mut bad = good.clone();
        bad[16..20].copy_from_slice(&[0x7F, 0, 0, 0]);
        assert_eq!(decode(&bad).unwrap_err().to_string(), format!("bad block length {} at byte 16", 0x7F00_0000));
        let mut garbage = good.clone();
        for b in &mut garbage[20..40] {
            *b = 0xFF;
        }
        assert!(decode(&garbage).unwrap_err().to_string().starts_with("the block at byte 16 does not decode"));
        let mut bad_magic = good;
        bad_magic[1] = b'X';
        assert!(decode(&bad_magic).unwrap_err().to_string().contains("snappy-java magic"));
    }
}
