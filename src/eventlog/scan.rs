//! A small, strict JSON scanner over one line of bytes.
//!
//! It validates as it goes (strings, escapes, numbers, literals, nesting) and lets the caller pull
//! out only the few values it needs, skipping the rest without building anything. A raw newline is
//! never whitespace here, so a parse that succeeds never crosses a line boundary. Every access is
//! bounds-checked: malformed input yields `Err(Malformed)`, never a panic.

use std::borrow::Cow;

use super::words::{decimal, digit_run, find_byte, plain_end};

/// The input is not (a prefix of) valid JSON of the expected shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

pub(crate) type Res<T> = Result<T, Malformed>;

/// Nesting deeper than this is rejected.
const MAX_DEPTH: usize = 1024;

/// The slot of remembered shapes for the value of `key` (`SHAPE_SLOTS` for none).
#[inline(always)]
fn shape_slot(key: &[u8]) -> usize {
    match key {
        [] => SHAPE_SLOTS,
        [first, .., last] => (key.len() * 7 + usize::from(*first) * 3 + usize::from(*last)) % SHAPE_SLOTS,
        [only] => usize::from(*only) % SHAPE_SLOTS,
    }
}

/// Containers skipped before, remembered so that the next one of the same shape (Spark writes the
/// same keys in the same order on every task line) is checked with a few slice comparisons.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    /// Indexed by a hash of the key the container was the value of.
    slots: Vec<Shape>,
    /// Number positions `(start, end)` seen while validating the current container.
    numbers: Vec<(usize, usize)>,
}

const SHAPE_SLOTS: usize = 16;
/// Containers shorter than this are validated directly.
const SHAPE_MIN_LEN: usize = 64;

/// A validated container: its bytes with the numbers cut out, and where they were cut.
#[derive(Debug, Default)]
struct Shape {
    literal: Vec<u8>,
    cuts: Vec<usize>,
}

pub(crate) struct Scanner<'a> {
    b: &'a [u8],
    pub(crate) i: usize,
    /// The key of the value being read, when it had no escapes.
    key: &'a [u8],
    shapes: Shapes,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(b: &'a [u8], i: usize) -> Self {
        Scanner { b, i, key: b"", shapes: Shapes::default() }
    }

    /// A scanner that uses (and updates) remembered container shapes; see [`Scanner::into_shapes`].
    pub(crate) fn with_shapes(b: &'a [u8], i: usize, shapes: Shapes) -> Self {
        Scanner { b, i, key: b"", shapes }
    }

    pub(crate) fn into_shapes(self) -> Shapes {
        self.shapes
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
    #[inline(always)]
    pub(crate) fn raw_string(&mut self) -> Res<(&'a [u8], bool)> {
        self.eat(b'"')?;
        self.string_body()
    }

    /// The rest of a string whose opening quote was just consumed.
    #[inline(always)]
    fn string_body(&mut self) -> Res<(&'a [u8], bool)> {
        let start = self.i;
        self.i = plain_end(self.b, start);
        if self.b.get(self.i) == Some(&b'"') {
            let raw = &self.b[start..self.i];
            self.i += 1;
            return Ok((raw, false));
        }
        self.string_slow(start)
    }

    /// A string from its first escape (or control byte, or the end of the input) on.
    #[inline(never)]
    fn string_slow(&mut self, start: usize) -> Res<(&'a [u8], bool)> {
        let mut escaped = false;
        loop {
            self.i = plain_end(self.b, self.i);
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
                _ => return Err(Malformed), // a control byte
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
        let digits_start = self.i;
        let ndigits = digit_run(self.b, digits_start);
        if ndigits == 0 || (ndigits > 1 && self.b[digits_start] == b'0') {
            return Err(Malformed);
        }
        self.i += ndigits;
        let digits = &self.b[digits_start..self.i];
        let mut value: i64 = 0;
        let mut float = false;
        if let Some(v) = decimal(self.b, digits_start, ndigits) {
            value = if negative { -v } else { v };
        } else if ndigits <= 18 {
            // Cannot overflow.
            for &c in digits {
                value = value * 10 + i64::from(c - b'0');
            }
            if negative {
                value = -value;
            }
        } else {
            for &c in digits {
                let d = i64::from(c - b'0');
                match value.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) }) {
                    Some(v) => value = v,
                    None => float = true,
                }
            }
        }
        if matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E')) {
            self.i = fraction_end(self.b, self.i).ok_or(Malformed)?;
            float = true;
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
    #[inline(always)]
    fn skip_number(&mut self) -> Res<()> {
        self.i = number_end(self.b, self.i).ok_or(Malformed)?;
        Ok(())
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

    /// Validate and skip any value.
    #[inline]
    pub(crate) fn skip(&mut self) -> Res<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string_body().map(drop)
            }
            b'{' | b'[' => self.skip_container(),
            _ => self.scalar(),
        }
    }

    /// Skip a number or literal.
    #[inline(always)]
    fn scalar(&mut self) -> Res<()> {
        match self.byte()? {
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => Err(Malformed),
        }
    }

    /// Consume `:` (after blanks).
    #[inline(always)]
    fn colon(&mut self) -> Res<()> {
        if self.b.get(self.i) == Some(&b':') {
            self.i += 1;
            Ok(())
        } else {
            self.eat(b':')
        }
    }

    /// An object key and its colon, in a skipped object.
    #[inline(always)]
    fn skip_key(&mut self) -> Res<()> {
        self.eat(b'"')?;
        self.string_body()?;
        self.colon()
    }

    /// Validate and skip an object or array, by a remembered shape when one fits.
    #[inline(never)]
    fn skip_container(&mut self) -> Res<()> {
        let start = self.i;
        let slot = shape_slot(self.key);
        if let Some(shape) = self.shapes.slots.get(slot)
            && let Some(end) = fits(self.b, shape, start)
        {
            self.i = end;
            return Ok(());
        }
        self.i = start;
        self.shapes.numbers.clear();
        self.validate_container()?;
        if self.i - start >= SHAPE_MIN_LEN && slot < SHAPE_SLOTS {
            if self.shapes.slots.len() < SHAPE_SLOTS {
                self.shapes.slots.resize_with(SHAPE_SLOTS, Shape::default);
            }
            let Shapes { slots, numbers } = &mut self.shapes;
            let shape = &mut slots[slot];
            shape.literal.clear();
            shape.cuts.clear();
            let mut from = start;
            for &(a, b) in numbers.iter() {
                shape.literal.extend_from_slice(&self.b[from..a]);
                shape.cuts.push(shape.literal.len());
                from = b;
            }
            shape.literal.extend_from_slice(&self.b[from..self.i]);
        }
        Ok(())
    }

    /// Validate and skip an object or array (iteratively: Spark plans nest deeper than 100 levels).
    fn validate_container(&mut self) -> Res<()> {
        // One bit per open container: set for an object, clear for an array.
        let mut objects = [0u64; MAX_DEPTH / 64];
        let mut depth = 0usize;
        loop {
            // A value.
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    self.string_body()?;
                }
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
                            self.skip_key()?;
                        } else {
                            *word &= !bit;
                        }
                        depth += 1;
                        continue;
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let from = self.i;
                    self.skip_number()?;
                    self.shapes.numbers.push((from, self.i));
                }
                _ => self.scalar()?,
            }
            // After a value: close containers until a comma leads to the next value.
            loop {
                let Some(top) = depth.checked_sub(1) else { return Ok(()) };
                let in_object = objects[top / 64] & (1u64 << (top % 64)) != 0;
                match (self.peek()?, in_object) {
                    (b',', true) => {
                        self.i += 1;
                        self.skip_key()?;
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
            self.colon()?;
            if escaped {
                self.key = b"";
                let key = unescape(raw)?;
                field(self, key.as_bytes())?;
            } else {
                self.key = raw;
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

    /// Walk an array, calling `item` for each element; `item` must consume it.
    pub(crate) fn array(&mut self, mut item: impl FnMut(&mut Self) -> Res<()>) -> Res<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
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

/// The end of the valid JSON number at `b[i]`, if there is one.
#[inline(always)]
pub(crate) fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let n = digit_run(b, i);
    if n == 0 || (n > 1 && b[i] == b'0') {
        return None;
    }
    i += n;
    if matches!(b.get(i), Some(b'.' | b'e' | b'E')) { fraction_end(b, i) } else { Some(i) }
}

/// The end of the fraction and exponent (each optional) at `b[i]`, after the integer part of
/// a number.
#[inline(never)]
fn fraction_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |i: usize| Some(i + digit_run(b, i)).filter(|&end| end > i);
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}

/// The end of the container at `b[p]` if it is `shape` with other (valid) numbers.
#[inline]
fn fits(b: &[u8], shape: &Shape, mut p: usize) -> Option<usize> {
    if shape.literal.is_empty() {
        return None;
    }
    let mut from = 0;
    for &cut in &shape.cuts {
        let part = &shape.literal[from..cut];
        if b.get(p..p + part.len())? != part {
            return None;
        }
        p = number_end(b, p + part.len())?;
        from = cut;
    }
    let part = &shape.literal[from..];
    (b.get(p..p + part.len())? == part).then_some(p + part.len())
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
    fn remembered_shapes_still_validate() {
        let base = r#"{"a":1,"Metrics":{"JVMHeapMemory":123,"OnHeapExecutionMemory":0,"list":[1,-2.5e3,"x",true]}}"#;
        let mut shapes = Shapes::default();
        let mut run = |line: &str| {
            let mut sc = Scanner::with_shapes(line.as_bytes(), 0, std::mem::take(&mut shapes));
            let ok = sc.object(|sc, _| sc.skip()).is_ok() && sc.i == line.len();
            shapes = sc.into_shapes();
            ok
        };
        assert!(run(base));
        assert!(run(&base.replace("123", "98765432109876543210").replace("-2.5e3", "7")));
        for bad in [
            base.replace("123", "0123"),
            base.replace("123", "12."),
            base.replace("123", "-"),
            base.replace("123", "1e"),
            base.replace("123", "[1,]"),
            base.replace("true]", "true"),
            base.replace("\"x\"", "\"x\ty\""),
            base.replace(":0,", ":0 1,"),
        ] {
            assert!(!run(&bad), "{bad}");
            assert!(run(base));
        }
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
