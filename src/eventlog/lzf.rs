//! Spark's `.lzf` event logs: compress-lzf's chunk format (`LZFOutputStream`), as Spark's
//! `LZFCompressionCodec` writes it, and the LZF block decoder (liblzf's format; no maintained
//! pure-Rust crate decodes it, and the decoder is a few lines).
//!
//! Each chunk: `ZV`, a type byte (0 stored, 1 compressed), a big-endian u16 length of the data,
//! for type 1 also a big-endian u16 decoded length, then the data (at most 64 KiB). There is no
//! end marker and no checksum: a chunk that decodes to another length than its header says, or
//! that refers back before its start, is damage.

use std::io::{self, Read};

use super::framing::{Frame, Source, Step, corrupt};

pub(crate) const MAGIC: &[u8; 2] = b"ZV";

#[derive(Debug, Default)]
pub(crate) struct Lzf {
    compressed: Vec<u8>,
}

impl Frame for Lzf {
    fn next<R: Read>(&mut self, src: &mut Source<R>, out: &mut Vec<u8>) -> io::Result<Step> {
        if src.at_end()? {
            return Ok(Step::End);
        }
        let at = src.offset();
        let mut header = [0u8; 5];
        src.exact(&mut header, "a chunk header")?;
        if &header[..2] != MAGIC || header[2] > 1 {
            return Err(corrupt(format!("the chunk at byte {at} does not start with ZV and a type of 0 or 1")));
        }
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if header[2] == 0 {
            src.exact_vec(out, len, "a chunk")?;
            return Ok(Step::Block);
        }
        let mut decoded = [0u8; 2];
        src.exact(&mut decoded, "a chunk header")?;
        let decoded = usize::from(u16::from_be_bytes(decoded));
        src.exact_vec(&mut self.compressed, len, "a chunk")?;
        decompress(&self.compressed, out, decoded)
            .map_err(|why| corrupt(format!("the chunk at byte {at} does not decode ({why})")))?;
        Ok(Step::Block)
    }
}

/// Decode one LZF block of `expected` bytes into `out` (appended).
pub(crate) fn decompress(input: &[u8], out: &mut Vec<u8>, expected: usize) -> Result<(), &'static str> {
    let start = out.len();
    out.reserve(expected);
    let mut i = 0;
    while i < input.len() {
        let ctrl = usize::from(input[i]);
        i += 1;
        if ctrl < 32 {
            // A literal run of ctrl + 1 bytes.
            let run = input.get(i..i + ctrl + 1).ok_or("a literal run goes past the end")?;
            out.extend_from_slice(run);
            i += ctrl + 1;
        } else {
            // A back reference: length 3..=264, distance 1..=8192.
            let mut len = ctrl >> 5;
            if len == 7 {
                len += usize::from(*input.get(i).ok_or("a back reference is cut")?);
                i += 1;
            }
            let low = usize::from(*input.get(i).ok_or("a back reference is cut")?);
            i += 1;
            let distance = ((ctrl & 0x1F) << 8) + low + 1;
            let len = len + 2;
            let from = out
                .len()
                .checked_sub(distance)
                .filter(|&f| f >= start)
                .ok_or("a back reference points before the chunk")?;
            if distance >= len {
                out.extend_from_within(from..from + len);
            } else {
                for k in 0..len {
                    let b = out[from + k];
                    out.push(b);
                }
            }
        }
        if out.len() - start > expected {
            return Err("it decodes to more bytes than its header says");
        }
    }
    if out.len() - start == expected { Ok(()) } else { Err("it decodes to fewer bytes than its header says") }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stored chunk (type 0), as compress-lzf writes incompressible data.
    pub(crate) fn stored(data: &[u8]) -> Vec<u8> {
        let mut out = b"ZV\x00".to_vec();
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(data);
        out
    }

    /// A compressed chunk (type 1) around hand-made LZF data.
    pub(crate) fn compressed(lzf: &[u8], decoded: usize) -> Vec<u8> {
        let mut out = b"ZV\x01".to_vec();
        out.extend_from_slice(&(lzf.len() as u16).to_be_bytes());
        out.extend_from_slice(&(decoded as u16).to_be_bytes());
        out.extend_from_slice(lzf);
        out
    }

    fn decode(bytes: &[u8]) -> io::Result<Vec<u8>> {
        crate::eventlog::framing::decode_all::<Lzf>(bytes)
    }

    #[test]
    fn literals_short_long_and_overlapping_references() {
        // "abcabcabc" + "x" * 12: literal "abc", reference (len 6, distance 3), literal "x",
        // long reference (len 7 + 2 + 2 = 11, distance 1, overlapping).
        let lzf = [2, b'a', b'b', b'c', 4 << 5, 2, 0, b'x', 7 << 5, 2, 0];
        let mut out = Vec::new();
        decompress(&lzf, &mut out, 21).unwrap();
        assert_eq!(out, b"abcabcabcxxxxxxxxxxxx");
        let mut stream = stored(b"{\"a\":1}\n");
        stream.extend(compressed(&lzf, 21));
        let mut want = b"{\"a\":1}\n".to_vec();
        want.extend_from_slice(b"abcabcabcxxxxxxxxxxxx");
        assert_eq!(decode(&stream).unwrap(), want);
    }

    #[test]
    fn damage_is_an_error_never_a_panic() {
        let mut out = Vec::new();
        assert!(decompress(&[5, b'a'], &mut out, 6).is_err());
        assert!(decompress(&[0, b'a', 1 << 5, 5], &mut out, 4).is_err());
        assert!(decompress(&[0, b'a', 1 << 5, 0], &mut out, 2).is_err());
        assert!(decompress(&[0, b'a', 7 << 5], &mut out, 10).is_err());
        let lzf = [2, b'a', b'b', b'c'];
        let err = decode(&compressed(&lzf, 4)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the chunk at byte 0 does not decode (it decodes to fewer bytes than its header says)"
        );
        let mut two = stored(b"ok");
        two.extend_from_slice(b"ZV\x02\x00\x00");
        assert!(decode(&two).unwrap_err().to_string().starts_with("the chunk at byte 7 does not start with ZV"));
        let cut = decode(&stored(b"abcdef")[..6]).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
        // Every byte string decodes or fails cleanly.
        let mut seed = 7u64;
        for _ in 0..2000 {
            let input: Vec<u8> = (0..40)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 56) as u8
                })
                .collect();
            let mut out = b"prefix".to_vec();
            let _ = decompress(&input, &mut out, 300);
        }
    }
}
