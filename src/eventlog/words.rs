//! Word-at-a-time (SWAR) byte scanning helpers: eight bytes per step, no unsafe, no SIMD
//! intrinsics.

pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `x` equal to zero, as 0x80 markers; the lowest marker is exact.
#[inline(always)]
pub(crate) fn zero_bytes(x: u64) -> u64 {
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

/// Index of the first quote, backslash or control byte in `b` from `i` on (or `b.len()`).
#[inline(always)]
pub(crate) fn plain_end(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let hits = string_specials(load(chunk));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + b.get(i..).unwrap_or_default().iter().take_while(|&&c| c != b'"' && c != b'\\' && c >= 0x20).count()
}

/// The first eight bytes of `b` as a little-endian word (`b` must hold eight bytes).
#[inline(always)]
pub(crate) fn load(b: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&b[..8]);
    u64::from_le_bytes(word)
}

/// 0x80 in every byte of `x` that is not an ASCII digit (exact: no carries between bytes).
#[inline(always)]
pub(crate) fn non_digits(x: u64) -> u64 {
    // Per byte: non-zero unless the high nibble is 3 and the low nibble is below 10.
    let y = ((x & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
        | (((x & 0x0F0F_0F0F_0F0F_0F0F) + 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0);
    (y | ((y & !HI) + !HI)) & HI
}

/// 0x80 markers for quotes, backslashes and control bytes in `x`. The lowest marker is exact;
/// markers above it may be spurious, so a test of the low bytes only (masking the rest) is exact.
#[inline(always)]
pub(crate) fn string_specials(x: u64) -> u64 {
    zero_bytes(x ^ (LO * u64::from(b'"')))
        | zero_bytes(x ^ (LO * u64::from(b'\\')))
        | (x.wrapping_sub(LO * 0x20) & !x & HI)
}

/// How many ASCII digits `b` holds from `i` on.
#[inline(always)]
pub(crate) fn digit_run(b: &[u8], i: usize) -> usize {
    let mut n = 0;
    while let Some(chunk) = b.get(i + n..i + n + 8) {
        let non_digit = non_digits(load(chunk));
        if non_digit != 0 {
            return n + (non_digit.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + b.get(i + n..).unwrap_or_default().iter().take_while(|c| c.is_ascii_digit()).count()
}

/// The value of the `n` ASCII digits at `b[i]` (1 to 16 of them, known to be digits), eight at
/// a time; None when `b` does not hold 16 bytes from `i` on.
#[inline(always)]
pub(crate) fn decimal(b: &[u8], i: usize, n: usize) -> Option<i64> {
    const POW10: [u64; 9] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];
    let w = b.get(i..i + 16)?;
    if n <= 8 {
        Some(eight_digits(load(w), n) as i64)
    } else if n <= 16 {
        Some(eight_digits(load(w), 8).wrapping_mul(POW10[n - 8]).wrapping_add(eight_digits(load(&w[8..]), n - 8)) as i64)
    } else {
        None
    }
}

/// The value of the first `n` (1 to 8) bytes of `word`, ASCII digits, the first one in the low byte.
#[inline(always)]
fn eight_digits(word: u64, n: usize) -> u64 {
    // Digit values in the first `n` bytes, then moved up so that zeros lead.
    let pad = 64 - 8 * n.clamp(1, 8) as u32;
    let v = (word.wrapping_sub(LO * u64::from(b'0')) & (u64::MAX >> pad)) << pad;
    // Pairs, then fours, then all eight (the classic multiply-and-shift reduction; wrapping
    // only matters for bytes that are not digits, which callers rule out).
    let v = v.wrapping_mul(10).wrapping_add(v >> 8) & 0x00FF_00FF_00FF_00FF;
    let v = v.wrapping_mul(100).wrapping_add(v >> 16) & 0x0000_FFFF_0000_FFFF;
    v.wrapping_mul(10_000).wrapping_add(v >> 32) & 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn word_at_a_time_helpers_match_bytewise() {
        let hay: Vec<u8> = (0..300u32).map(|i| b"0123456789a\"\\\x1f\x7f\xff/:9-"[(i * 7 % 19) as usize]).collect();
        for start in 0..=hay.len() {
            let rest = &hay[start..];
            let plain = rest.iter().take_while(|&&c| c != b'"' && c != b'\\' && c >= 0x20).count();
            assert_eq!(plain_end(&hay, start), start + plain);
            assert_eq!(digit_run(&hay, start), rest.iter().take_while(|c| c.is_ascii_digit()).count());
        }
        assert_eq!(digit_run(b"12345678901234567890x", 0), 20);
        assert_eq!(digit_run(b"9:/0", 0), 1);
    }

    #[test]
    fn decimal_matches_parse() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for len in 1..=16usize {
            for _ in 0..200 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let digits: String = (0..len).map(|k| char::from(b'0' + ((x >> (k * 3 % 60)) % 10) as u8)).collect();
                let text = format!("{digits},\"x\":[1,2,3,4,5,6,7,8]");
                assert_eq!(decimal(text.as_bytes(), 0, len), digits.parse().ok(), "{digits}");
            }
        }
        assert_eq!(decimal(b"123", 0, 3), None);
        assert_eq!(decimal(b"99999999999999999999", 0, 17), None);
    }
}
