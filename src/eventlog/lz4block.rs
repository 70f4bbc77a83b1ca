//! Spark's `.lz4` event logs: lz4-java's `LZ4BlockOutputStream` framing, as Spark's
//! `LZ4CompressionCodec` writes it.
//!
//! Every block starts with a 21-byte header: the magic `LZ4Block`, a token (method `0x10` raw or
//! `0x20` LZ4, ORed with the level: blocks hold at most `1 << (10 + level)` bytes), then the
//! compressed length, the decoded length and an XXHash32 (seed `0x9747b28c`) of the decoded bytes,
//! little-endian. lz4-java stores the hash through `StreamingXXHash32.asChecksum()`, whose value
//! keeps only the low 28 bits. A block with both lengths 0 ends the stream; another stream may
//! follow (Spark reads concatenated streams), and a file without the end block was cut short
//! (an application still running, or a copy stopped early).

use std::io::{self, Read};

use super::framing::{Frame, Source, Step, corrupt, le_u32, truncated};

pub(crate) const MAGIC: &[u8; 8] = b"LZ4Block";
const HEADER_LEN: usize = 21;
const METHOD_RAW: u8 = 0x10;
const METHOD_LZ4: u8 = 0x20;
const LEVEL_BASE: u32 = 10;
const SEED: u32 = 0x9747_b28c;

#[derive(Debug, Default)]
pub(crate) struct Lz4Block {
    /// A block has been read and no end block since (EOF now means the stream was cut).
    open: bool,
    compressed: Vec<u8>,
}

impl Frame for Lz4Block {
    fn next<R: Read>(&mut self, src: &mut Source<R>, out: &mut Vec<u8>) -> io::Result<Step> {
        let at = src.offset();
        if src.at_end()? {
            if self.open {
                return Err(truncated(format!(
                    "no end-of-stream block after byte {at}: the log is cut short or still being written"
                )));
            }
            return Ok(Step::End);
        }
        let mut header = [0u8; HEADER_LEN];
        src.exact(&mut header, "a block header")?;
        if &header[..8] != MAGIC {
            return Err(corrupt(format!("the block at byte {at} does not start with the LZ4Block magic")));
        }
        let (method, level) = (header[8] & 0xF0, u32::from(header[8] & 0x0F));
        let compressed_len = le_u32(&header[9..13]) as usize;
        let len = le_u32(&header[13..17]) as usize;
        let check = le_u32(&header[17..21]);
        let valid = matches!(method, METHOD_RAW | METHOD_LZ4)
            && len <= 1 << (LEVEL_BASE + level)
            && (len == 0) == (compressed_len == 0)
            && (method != METHOD_RAW || len == compressed_len)
            && compressed_len <= (1 << (LEVEL_BASE + 15)) + (1 << 20);
        if !valid {
            return Err(corrupt(format!(
                "bad block header at byte {at} (token {:#04x}, {compressed_len} compressed, {len} decoded bytes)",
                header[8]
            )));
        }
        if len == 0 {
            self.open = false;
            return Ok(Step::Block);
        }
        self.open = true;
        if method == METHOD_RAW {
            src.exact_vec(out, len, "a block")?;
        } else {
            src.exact_vec(&mut self.compressed, compressed_len, "a block")?;
            out.resize(len, 0);
            match lz4_flex::block::decompress_into(&self.compressed, out) {
                Ok(n) if n == len => {}
                Ok(n) => return Err(corrupt(format!("the block at byte {at} decodes to {n} bytes, not {len}"))),
                Err(e) => return Err(corrupt(format!("the block at byte {at} does not decode ({e})"))),
            }
        }
        let hash = xxhash_rust::xxh32::xxh32(out, SEED);
        // lz4-java keeps 28 bits; accept the full hash too (a writer without the mask).
        if check != hash & 0x0FFF_FFFF && check != hash {
            return Err(corrupt(format!(
                "checksum mismatch in the block at byte {at} (stored {check:#010x}, computed {:#010x})",
                hash & 0x0FFF_FFFF
            )));
        }
        Ok(Step::Block)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One block as lz4-java writes it (raw when compressing does not pay).
    pub(crate) fn block(data: &[u8], level: u8) -> Vec<u8> {
        let packed = lz4_flex::block::compress(data);
        let (method, body) = if packed.len() < data.len() { (METHOD_LZ4, packed) } else { (METHOD_RAW, data.to_vec()) };
        let mut out = MAGIC.to_vec();
        out.push(method | level);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(xxhash_rust::xxh32::xxh32(data, SEED) & 0x0FFF_FFFF).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    pub(crate) fn end(level: u8) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(METHOD_RAW | level);
        out.extend_from_slice(&[0; 12]);
        out
    }

    /// `text` in lz4-java's framing, blocks of 1 KiB (level 0).
    pub(crate) fn encode(text: &[u8]) -> Vec<u8> {
        let mut out: Vec<u8> = text.chunks(1024).flat_map(|c| block(c, 0)).collect();
        out.extend(end(0));
        out
    }

    fn decode(bytes: &[u8]) -> io::Result<Vec<u8>> {
        crate::eventlog::framing::decode_all::<Lz4Block>(bytes)
    }

    fn text() -> Vec<u8> {
        (0..400).flat_map(|i| format!("{{\"Event\":\"E\",\"n\":{i}}}\n").into_bytes()).collect()
    }

    #[test]
    fn round_trip_raw_and_compressed_blocks_and_concatenated_streams() {
        let text = text();
        assert_eq!(decode(&encode(&text)).unwrap(), text);
        let mut two = encode(&text[..100]);
        two.extend(block(b"\x01\x02\x03", 1)); // too short to compress: stored raw
        two.extend(end(1));
        two.extend(encode(&text[100..]));
        let mut want = text[..100].to_vec();
        want.extend_from_slice(b"\x01\x02\x03");
        want.extend_from_slice(&text[100..]);
        assert_eq!(decode(&two).unwrap(), want);
        assert_eq!(decode(b"").unwrap(), b"");
    }

    #[test]
    fn damage_is_named_with_its_offset() {
        let text = text();
        let good = encode(&text);
        let second = block(&text[..1024], 0).len();
        let mut bad_sum = good.clone();
        bad_sum[second + 17] ^= 1;
        let err = decode(&bad_sum).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().starts_with(&format!("checksum mismatch in the block at byte {second} ")), "{err}");
        let mut bad_magic = good.clone();
        bad_magic[second] = b'X';
        assert!(decode(&bad_magic).unwrap_err().to_string().contains("LZ4Block magic"));
        let mut bad_len = good.clone();
        bad_len[second + 16] = 0x7F;
        assert!(decode(&bad_len).unwrap_err().to_string().starts_with("bad block header"));
        let cut = decode(&good[..good.len() - 30]).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
        let no_end = decode(&good[..good.len() - HEADER_LEN]).unwrap_err();
        assert!(no_end.to_string().starts_with("no end-of-stream block"), "{no_end}");
    }
}
