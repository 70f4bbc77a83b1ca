//! A small, strict JSON scanner over one line of bytes.
//!
//! It validates as it goes (strings, escapes, numbers, literals, nesting) and lets the caller pull
//! out only the few values it needs, skipping the rest without building anything. A raw newline is
//! never whitespace here, so a parse that succeeds never crosses a line boundary. Every access is
//! bounds-checked: malformed input yields `Err(Malformed)`, never a panic.

use std::borrow::Cow;

/// The input is not (a prefix of) valid JSON of the expected shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

pub(crate) type Res<T> = Result<T, Malformed>;

/// Nesting deeper than this is rejected.
const MAX_DEPTH: usize = 1024;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `x` equal to zero, as 0x80 markers; the lowest marker is exact.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// Position of the first `needle` in `hay`, eight bytes at a time.
#[inline]
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let pattern = LO.wrapping_mul(u64::from(needle));
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let hits = zero_bytes(u64::from_le_bytes(word) ^ pattern);
        if hits != 0 {
            return Some(base + (hits.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| b == needle).map(|p| base + p)
}

pub(crate) struct Scanner<'a> {
    b: &'a [u8],
    pub(crate) i: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(b: &'a [u8], i: usize) -> Self {
        Scanner { b, i }
    }

    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.b
    }

    #[inline(always)]
    fn byte(&self) -> Res<u8> {
        self.b.get(self.i).copied().ok_or(Malformed)
    }

    /// Skip spaces, tabs and carriage returns (not newlines: a line is one event).
    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c == b' ' || c == b'\t' || c == b'\r' {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// Skip whitespace, then return the next byte without consuming it.
    #[inline(always)]
    pub(crate) fn peek(&mut self) -> Res<u8> {
        self.ws();
        self.byte()
    }

    #[inline(always)]
    fn eat(&mut self, c: u8) -> Res<()> {
        if self.peek()? == c {
            self.i += 1;
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    /// Consume `null` if it comes next.
    #[inline]
    pub(crate) fn null(&mut self) -> Res<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn literal(&mut self, word: &[u8]) -> Res<()> {
        let end = self.i + word.len();
        if self.b.get(self.i..end) == Some(word) {
            self.i = end;
            Ok(())
        } else {
            Err(Malformed)
        }
    }

    /// A string's raw bytes (between the quotes) and whether it holds escapes.
    #[inline]
    pub(crate) fn raw_string(&mut self) -> Res<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            // Eight bytes at a time to the first quote, backslash or control byte.
            while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let x = u64::from_le_bytes(word);
                let hits = zero_bytes(x ^ (LO * u64::from(b'"')))
                    | zero_bytes(x ^ (LO * u64::from(b'\\')))
                    | (x.wrapping_sub(LO * 0x20) & !x & HI);
                if hits != 0 {
                    self.i += (hits.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            match self.byte()? {
                b'"' => {
                    let raw = &self.b[start..self.i];
                    self.i += 1;
                    return Ok((raw, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.byte()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.b.get(self.i + 1..self.i + 5).ok_or(Malformed)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Malformed);
                            }
                            self.i += 5;
                        }
                        _ => return Err(Malformed),
                    }
                }
                c if c < 0x20 => return Err(Malformed),
                _ => self.i += 1,
            }
        }
    }

    /// A string value, decoded (borrowed when it has no escapes).
    pub(crate) fn string(&mut self) -> Res<Cow<'a, str>> {
        let (raw, escaped) = self.raw_string()?;
        if escaped { unescape(raw).map(Cow::Owned) } else { utf8(raw).map(Cow::Borrowed) }
    }

    /// An integer. Fractions and exponents are accepted and truncated; null reads as 0.
    #[inline]
    pub(crate) fn int(&mut self) -> Res<i64> {
        Ok(self.opt_int()?.unwrap_or(0))
    }

    /// An integer or null.
    #[inline]
    pub(crate) fn opt_int(&mut self) -> Res<Option<i64>> {
        let first = self.peek()?;
        if first == b'n' {
            self.literal(b"null")?;
            return Ok(None);
        }
        let start = self.i;
        let negative = first == b'-';
        if negative {
            self.i += 1;
        }
        let mut value: i64 = 0;
        let mut overflow = false;
        let digits_start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            if !c.is_ascii_digit() {
                break;
            }
            let d = i64::from(c - b'0');
            match value.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) }) {
                Some(v) => value = v,
                None => overflow = true,
            }
            self.i += 1;
        }
        let ndigits = self.i - digits_start;
        if ndigits == 0 || (ndigits > 1 && self.b.get(digits_start) == Some(&b'0')) {
            return Err(Malformed);
        }
        let mut float = overflow;
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            float = true;
            self.digits()?;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
        }
        if float {
            let text = std::str::from_utf8(&self.b[start..self.i]).map_err(|_| Malformed)?;
            let f: f64 = text.parse().map_err(|_| Malformed)?;
            // `as` saturates at the i64 range; NaN cannot come out of a JSON number.
            value = f as i64;
        }
        Ok(Some(value))
    }

    /// Validate a number without computing it.
    #[inline]
    fn skip_number(&mut self) -> Res<()> {
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.i += 1;
                while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
                    self.i += 1;
                }
            }
            _ => return Err(Malformed),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            self.digits()?;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) -> Res<()> {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        if self.i == start { Err(Malformed) } else { Ok(()) }
    }

    /// `true`, `false` or null (false).
    pub(crate) fn bool(&mut self) -> Res<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            b'n' => self.literal(b"null").map(|()| false),
            _ => Err(Malformed),
        }
    }

    /// Validate and skip any value (iteratively: Spark plans nest deeper than 100 levels).
    pub(crate) fn skip(&mut self) -> Res<()> {
        // One bit per open container: set for an object, clear for an array.
        let mut objects = [0u64; MAX_DEPTH / 64];
        let mut depth = 0usize;
        loop {
            // A value.
            match self.peek()? {
                b'"' => drop(self.raw_string()?),
                open @ (b'{' | b'[') => {
                    self.i += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.i += 1;
                    } else {
                        let word = objects.get_mut(depth / 64).ok_or(Malformed)?;
                        let bit = 1u64 << (depth % 64);
                        if open == b'{' {
                            *word |= bit;
                            self.raw_string()?;
                            self.eat(b':')?;
                        } else {
                            *word &= !bit;
                        }
                        depth += 1;
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.skip_number()?,
                _ => return Err(Malformed),
            }
            // After a value: close containers until a comma leads to the next value.
            loop {
                let Some(top) = depth.checked_sub(1) else { return Ok(()) };
                let in_object = objects[top / 64] & (1u64 << (top % 64)) != 0;
                match (self.peek()?, in_object) {
                    (b',', true) => {
                        self.i += 1;
                        self.raw_string()?;
                        self.eat(b':')?;
                        break;
                    }
                    (b',', false) => {
                        self.i += 1;
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        self.i += 1;
                        depth = top;
                    }
                    _ => return Err(Malformed),
                }
            }
        }
    }

    /// Walk an object, calling `field` with each key; `field` must consume the value.
    #[inline]
    pub(crate) fn object(&mut self, mut field: impl FnMut(&mut Self, &[u8]) -> Res<()>) -> Res<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Ok(());
        }
        loop {
            let (raw, escaped) = self.raw_string()?;
            self.eat(b':')?;
            if escaped {
                let key = unescape(raw)?;
                field(self, key.as_bytes())?;
            } else {
                field(self, raw)?;
            }
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Malformed),
            }
        }
    }

    /// Skip a value and return its raw bytes.
    pub(crate) fn raw_value(&mut self) -> Res<&'a [u8]> {
        self.ws();
        let start = self.i;
        self.skip()?;
        Ok(&self.b[start..self.i])
    }
}

fn utf8(raw: &[u8]) -> Res<&str> {
    std::str::from_utf8(raw).map_err(|_| Malformed)
}

/// Decode a string body that holds escapes (already validated by `raw_string`).
fn unescape(raw: &[u8]) -> Res<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = find_byte(rest, b'\\') {
        out.push_str(utf8(&rest[..pos])?);
        let code = *rest.get(pos + 1).ok_or(Malformed)?;
        rest = rest.get(pos + 2..).ok_or(Malformed)?;
        let c = match code {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let (unit, tail) = hex4(rest)?;
                rest = tail;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate; pair it with a following \uDC00-\uDFFF if there is one.
                    match rest.strip_prefix(b"\\u").map(hex4) {
                        Some(Ok((low, tail))) if (0xDC00..0xE000).contains(&low) => {
                            rest = tail;
                            char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).unwrap_or('\u{FFFD}')
                        }
                        _ => '\u{FFFD}',
                    }
                } else {
                    char::from_u32(unit).unwrap_or('\u{FFFD}')
                }
            }
            _ => return Err(Malformed),
        };
        out.push(c);
    }
    out.push_str(utf8(rest)?);
    Ok(out)
}

fn hex4(b: &[u8]) -> Res<(u32, &[u8])> {
    let digits = b.get(..4).ok_or(Malformed)?;
    let text = utf8(digits)?;
    let value = u32::from_str_radix(text, 16).map_err(|_| Malformed)?;
    Ok((value, &b[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(s: &str) -> bool {
        let mut sc = Scanner::new(s.as_bytes(), 0);
        sc.skip().is_ok() && {
            sc.ws();
            sc.i == s.len()
        }
    }

    #[test]
    fn find_byte_matches_position() {
        let hay: Vec<u8> = (0..100u8).map(|i| if i % 37 == 36 { b'\n' } else { b'a' + i % 26 }).collect();
        for start in 0..hay.len() {
            assert_eq!(find_byte(&hay[start..], b'\n'), hay[start..].iter().position(|&b| b == b'\n'));
        }
        assert_eq!(find_byte(b"", b'\n'), None);
        assert_eq!(find_byte("é\u{80}\n".as_bytes(), b'\n'), Some(4));
    }

    #[test]
    fn validates_like_json() {
        for ok in [
            r#"{}"#,
            r#"{"a":[1,-2,3.5e3,true,false,null,{"b":"c\"\\\u00e9"}]}"#,
            r#" { "a" : 0 , "b" : [ ] } "#,
            r#""x""#,
            "-0",
            "1E+2",
        ] {
            assert!(valid(ok), "{ok}");
        }
        for bad in [
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{,"a":1}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12g4"}"#,
            "{\"a\":\"tab\there\"}",
            "{\"a\":\n1}",
            r#"{"a":[1 2]}"#,
            r#"{"a":1"#,
            r#"{"a":"unterminated"#,
            "",
        ] {
            assert!(!valid(bad), "{bad}");
        }
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(valid(&deep));
        let deeper = r#"{"a":"#.repeat(1100) + "1" + &"}".repeat(1100);
        assert!(!valid(&deeper));
        assert!(!valid(&("[".repeat(100) + &"}".repeat(100))));
    }

    #[test]
    fn reads_values() {
        let text = r#"{"n":-42,"f":12.9,"big":1e30,"s":"a\nb\u00e9\ud83d\ude00","z":null}"#;
        let mut sc = Scanner::new(text.as_bytes(), 0);
        let mut seen = Vec::new();
        sc.object(|sc, key| {
            match key {
                b"n" | b"f" | b"big" | b"z" => seen.push(format!("{:?}", sc.opt_int()?)),
                _ => seen.push(sc.string()?.into_owned()),
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["Some(-42)", "Some(12)", &format!("Some({})", i64::MAX), "a\nbé😀", "None"]);
    }
}
