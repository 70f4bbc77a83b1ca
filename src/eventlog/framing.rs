//! Streaming readers for the block framings Spark's codecs write around their compressed blocks:
//! a [`Blocks`] reader decodes one block at a time (bounded memory, any file size) and hands out
//! its bytes; each framing ([`Frame`]) only says how to read the next block.
//!
//! Errors say where: "checksum mismatch in the block at byte 40213". A stream that ends inside a
//! block is `UnexpectedEof`, anything else wrong is `InvalidData`; the caller reads what came
//! before either (as it does for a zstd stream cut short).

use std::io::{self, BufRead, BufReader, ErrorKind, Read};

/// Bytes from the compressed file, counting the offset of what is read next.
pub(crate) struct Source<R> {
    inner: BufReader<R>,
    offset: u64,
}

impl<R: Read> Source<R> {
    fn new(inner: R) -> Self {
        Source { inner: BufReader::with_capacity(1 << 16, inner), offset: 0 }
    }

    /// Offset in the compressed file of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// True when no byte is left (end of a stream between blocks).
    pub(crate) fn at_end(&mut self) -> io::Result<bool> {
        loop {
            match self.inner.fill_buf() {
                Ok(buf) => return Ok(buf.is_empty()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Fill `buf` whole; `what` names it in the error if the stream ends first.
    pub(crate) fn exact(&mut self, buf: &mut [u8], what: &str) -> io::Result<()> {
        let start = self.offset;
        let mut got = 0;
        while got < buf.len() {
            match self.inner.read(&mut buf[got..]) {
                Ok(0) => {
                    return Err(truncated(format!(
                        "the stream ends inside {what} at byte {start} ({got} of {} bytes there)",
                        buf.len()
                    )));
                }
                Ok(n) => {
                    got += n;
                    self.offset += n as u64;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Read `len` bytes into `buf` (replacing its content). Memory grows with the bytes actually
    /// there, so a damaged length cannot make it allocate much more than the file holds.
    pub(crate) fn exact_vec(&mut self, buf: &mut Vec<u8>, len: usize, what: &str) -> io::Result<()> {
        let start = self.offset;
        buf.clear();
        let got = (&mut self.inner).take(len as u64).read_to_end(buf)?;
        self.offset += got as u64;
        if got < len {
            return Err(truncated(format!(
                "the stream ends inside {what} at byte {start} ({got} of {len} bytes there)"
            )));
        }
        Ok(())
    }
}

/// What reading the next block gave.
pub(crate) enum Step {
    /// The block's decoded bytes are in `out` (may be empty: read on).
    Block,
    /// The stream is over.
    End,
}

/// One framing: how to read the next block of it.
pub(crate) trait Frame {
    /// Decode the next block into `out` (cleared first by the caller).
    fn next<R: Read>(&mut self, src: &mut Source<R>, out: &mut Vec<u8>) -> io::Result<Step>;
}

/// A decoding reader over a framed stream.
pub(crate) struct Blocks<R, F> {
    src: Source<R>,
    frame: F,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read, F: Frame> Blocks<R, F> {
    pub(crate) fn new(inner: R, frame: F) -> Self {
        Blocks { src: Source::new(inner), frame, out: Vec::new(), pos: 0, done: false }
    }
}

impl<R: Read, F: Frame> Read for Blocks<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            match self.frame.next(&mut self.src, &mut self.out) {
                Ok(Step::Block) => {}
                Ok(Step::End) => self.done = true,
                Err(e) => {
                    // An error ends the stream: reading again would misread the rest.
                    self.done = true;
                    self.out.clear();
                    return Err(e);
                }
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

pub(crate) fn corrupt(message: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message)
}

pub(crate) fn truncated(message: String) -> io::Error {
    io::Error::new(ErrorKind::UnexpectedEof, message)
}

pub(crate) fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

pub(crate) fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// All of `bytes` through the framing `F` (unit tests of each framing).
#[cfg(test)]
pub(crate) fn decode_all<F: Frame + Default>(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    Blocks::new(bytes, F::default()).read_to_end(&mut out).map(|_| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of "ab", "", "c", then the end.
    struct Three(u8);

    impl Frame for Three {
        fn next<R: Read>(&mut self, _: &mut Source<R>, out: &mut Vec<u8>) -> io::Result<Step> {
            self.0 += 1;
            match self.0 {
                1 => out.extend_from_slice(b"ab"),
                2 => {}
                3 => out.push(b'c'),
                _ => return Ok(Step::End),
            }
            Ok(Step::Block)
        }
    }

    #[test]
    fn blocks_hand_out_every_byte_in_order() {
        let mut text = String::new();
        Blocks::new(&b""[..], Three(0)).read_to_string(&mut text).unwrap();
        assert_eq!(text, "abc");
    }

    #[test]
    fn short_reads_name_the_offset() {
        let mut src = Source::new(&b"abcdef"[..]);
        let mut four = [0u8; 4];
        src.exact(&mut four, "a header").unwrap();
        assert_eq!(src.offset(), 4);
        let err = src.exact(&mut four, "a header").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(err.to_string(), "the stream ends inside a header at byte 4 (2 of 4 bytes there)");
        assert!(src.at_end().unwrap());
    }
}
