//! Immediate operands: integers, IEEE floats and address offsets, with their CLIF
//! spellings.
//!
//! Floats keep their exact bit pattern (NaN payloads included); the printed form
//! parses back to the same bits. Integer text may be decimal or `0x` hex, with `_`
//! separators; float text may be hex (`0x1.8p3`), decimal (`1.5`), `Inf` or `NaN`
//! with an optional `:0x` payload.

use core::fmt;

/// A 64-bit integer immediate (`iconst`, `iadd_imm`, `icmp_imm`, ...).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Imm64(pub i64);

/// A signed 32-bit byte offset (`load v0+8`, `stack_addr ss0-4`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Offset32(pub i32);

/// An IEEE binary32 constant, as bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Ieee32(pub u32);

/// An IEEE binary64 constant, as bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Ieee64(pub u64);

impl fmt::Display for Imm64 {
    /// Decimal when small (|x| < 10000), otherwise hex of the 64-bit pattern in
    /// `_`-separated groups of four digits, as Cranelift writes it
    /// (`0x0042_4242_4242_4242`, `0xffff_ffff_fffe_7960`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if -10_000 < x && x < 10_000 {
            return write!(f, "{x}");
        }
        let bits = x as u64;
        let mut shift = (63 - bits.leading_zeros()) & !15;
        write!(f, "0x{:04x}", (bits >> shift) & 0xffff)?;
        while shift > 0 {
            shift -= 16;
            write!(f, "_{:04x}", (bits >> shift) & 0xffff)?;
        }
        Ok(())
    }
}

impl fmt::Display for Offset32 {
    /// Nothing for zero, else an explicit sign, so it can follow an operand directly.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => Ok(()),
            n if n > 0 => write!(f, "+{n}"),
            n => write!(f, "{n}"),
        }
    }
}

impl Ieee32 {
    /// The constant with the value of `x`.
    pub fn with_float(x: f32) -> Self {
        Ieee32(x.to_bits())
    }
    /// Parse CLIF float text.
    pub fn parse(s: &str) -> Result<Self, FloatError> {
        parse_float(s, 8, 23).map(|b| Ieee32(b as u32))
    }
}

impl Ieee64 {
    /// The constant with the value of `x`.
    pub fn with_float(x: f64) -> Self {
        Ieee64(x.to_bits())
    }
    /// Parse CLIF float text.
    pub fn parse(s: &str) -> Result<Self, FloatError> {
        parse_float(s, 11, 52).map(Ieee64)
    }
}

impl fmt::Display for Ieee32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_float(u64::from(self.0), 8, 23, f)
    }
}

impl fmt::Display for Ieee64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_float(self.0, 11, 52, f)
    }
}

/// Why integer text was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IntError {
    /// Not a decimal or `0x` integer.
    Malformed,
    /// Does not fit in 64 bits.
    Overflow,
}

/// Parse integer text: optional sign, decimal or `0x` hex, `_` separators. Hex and
/// positive decimals up to `u64::MAX` are accepted and wrap to `i64` (CLIF writes
/// `-1` of an `i64` as `0xffff_ffff_ffff_ffff` as often as `-1`).
pub fn parse_int(s: &str) -> Result<i64, IntError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(d) => (16, d),
        None => (10, body),
    };
    if digits.is_empty() || digits.starts_with('_') {
        return Err(IntError::Malformed);
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix).ok_or(IntError::Malformed)?;
        v = v
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or(IntError::Overflow)?;
    }
    if neg {
        if v > 1u64 << 63 {
            return Err(IntError::Overflow);
        }
        Ok((v as i64).wrapping_neg())
    } else {
        Ok(v as i64)
    }
}

/// Why float text was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FloatError {
    /// Not a float literal.
    Malformed,
    /// A hex float with more significant bits than the format holds, or out of range.
    Inexact,
    /// A NaN payload of zero, or too wide.
    BadPayload,
    /// A decimal literal too large for the format.
    OutOfRange,
}

impl fmt::Display for FloatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FloatError::Malformed => "malformed float literal",
            FloatError::Inexact => "hex float is not exactly representable",
            FloatError::BadPayload => "bad NaN payload",
            FloatError::OutOfRange => "float literal out of range",
        })
    }
}

/// Parse a float with `w` exponent bits and `t` trailing significand bits into bits.
fn parse_float(s: &str, w: u32, t: u32) -> Result<u64, FloatError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let sign_bit = if neg { 1u64 << (w + t) } else { 0 };
    let exp_mask = ((1u64 << w) - 1) << t;
    let quiet = 1u64 << (t - 1);
    if body == "Inf" {
        return Ok(sign_bit | exp_mask);
    }
    if let Some(rest) = body
        .strip_prefix("NaN")
        .or_else(|| body.strip_prefix("sNaN"))
    {
        let signaling = body.starts_with('s');
        let payload = match rest.strip_prefix(":") {
            None if rest.is_empty() => 0,
            None => return Err(FloatError::Malformed),
            Some(p) => {
                let v = parse_int(p).map_err(|_| FloatError::BadPayload)? as u64;
                if v == 0 || v >= quiet {
                    return Err(FloatError::BadPayload);
                }
                v
            }
        };
        if signaling && payload == 0 {
            return Err(FloatError::BadPayload);
        }
        let q = if signaling { 0 } else { quiet };
        return Ok(sign_bit | exp_mask | q | payload);
    }
    let bits = match body.strip_prefix("0x") {
        Some(hex) => parse_hex_float(hex, w, t)?,
        None => parse_decimal_float(body, t)?,
    };
    Ok(sign_bit | bits)
}

fn parse_decimal_float(s: &str, t: u32) -> Result<u64, FloatError> {
    let ok = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+' | '_'));
    if !ok {
        return Err(FloatError::Malformed);
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    // Rust's parsers round correctly; a literal too large for the format becomes
    // infinity there, which CLIF spells `Inf`, so refuse it instead.
    let (bits, infinite) = if t == 23 {
        let x = clean.parse::<f32>().map_err(|_| FloatError::Malformed)?;
        (u64::from(x.to_bits()), x.is_infinite())
    } else {
        let x = clean.parse::<f64>().map_err(|_| FloatError::Malformed)?;
        (x.to_bits(), x.is_infinite())
    };
    if infinite {
        return Err(FloatError::OutOfRange);
    }
    Ok(bits)
}

/// `hex` is the text after `0x`: digits, optional `.` and digits, optional `p` exponent.
fn parse_hex_float(hex: &str, w: u32, t: u32) -> Result<u64, FloatError> {
    let (mant_text, exp_text) = match hex.find(['p', 'P']) {
        Some(i) => (&hex[..i], Some(&hex[i + 1..])),
        None => (hex, None),
    };
    let mut exp: i64 = match exp_text {
        Some(e) => {
            let clean = e.strip_prefix('+').unwrap_or(e);
            if clean.is_empty() || clean.starts_with('+') {
                return Err(FloatError::Malformed);
            }
            clean
                .parse::<i32>()
                .map_err(|_| FloatError::Malformed)?
                .into()
        }
        None => 0,
    };
    let mut mant: u128 = 0;
    let mut seen_dot = false;
    let mut digits = 0;
    for c in mant_text.chars() {
        match c {
            '.' if !seen_dot => seen_dot = true,
            '_' => {}
            _ => {
                let d = c.to_digit(16).ok_or(FloatError::Malformed)?;
                digits += 1;
                if mant >> 120 != 0 {
                    return Err(FloatError::Inexact);
                }
                mant = (mant << 4) | u128::from(d);
                if seen_dot {
                    exp -= 4;
                }
            }
        }
    }
    if digits == 0 {
        return Err(FloatError::Malformed);
    }
    if mant == 0 {
        return Ok(0);
    }
    // value = mant * 2^exp; normalise so the leading one sits at bit t.
    let lead = 127 - i64::from(mant.leading_zeros());
    let bias = (1i64 << (w - 1)) - 1;
    let mut e = lead + exp; // unbiased exponent of the leading one
    let emin = 1 - bias;
    if e > bias {
        return Err(FloatError::Inexact);
    }
    // Number of significand bits available below the leading one.
    let frac_bits = if e < emin {
        i64::from(t) - (emin - e)
    } else {
        i64::from(t)
    };
    if frac_bits < 0 {
        return Err(FloatError::Inexact);
    }
    let shift = lead - frac_bits; // right shift to keep exactly frac_bits below the lead
    let sig = if shift > 0 {
        if mant & ((1u128 << shift) - 1) != 0 {
            return Err(FloatError::Inexact);
        }
        mant >> shift
    } else {
        mant << (-shift)
    };
    if e < emin {
        e = emin - 1; // biased exponent 0: subnormal
        Ok(sig as u64 & ((1u64 << t) - 1) | ((e + bias) as u64) << t)
    } else {
        Ok((sig as u64 & ((1u64 << t) - 1)) | ((e + bias) as u64) << t)
    }
}

fn format_float(bits: u64, w: u32, t: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let neg = bits >> (w + t) & 1 != 0;
    let e_bits = (bits >> t) & ((1 << w) - 1);
    let t_bits = bits & ((1 << t) - 1);
    let bias = (1i64 << (w - 1)) - 1;
    let sign = if neg { "-" } else { "" };
    if e_bits == (1 << w) - 1 {
        let plus_minus = if neg { '-' } else { '+' };
        let quiet = 1u64 << (t - 1);
        return match (t_bits, t_bits & quiet != 0) {
            (0, _) => write!(f, "{plus_minus}Inf"),
            (q, true) if q == quiet => write!(f, "{plus_minus}NaN"),
            (p, true) => write!(f, "{plus_minus}NaN:{:#x}", p & !quiet),
            (p, false) => write!(f, "{plus_minus}sNaN:{p:#x}"),
        };
    }
    if e_bits == 0 && t_bits == 0 {
        return write!(f, "{sign}0.0");
    }
    let digits = t.div_ceil(4);
    let aligned = t_bits << (digits * 4 - t);
    let mut hex = format!("{:0width$x}", aligned, width = digits as usize);
    while hex.len() > 1 && hex.ends_with('0') {
        hex.pop();
    }
    if e_bits == 0 {
        write!(f, "{sign}0x0.{hex}p{}", 1 - bias)
    } else {
        write!(f, "{sign}0x1.{hex}p{}", e_bits as i64 - bias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        let cases: [(&str, Result<i64, IntError>); 9] = [
            ("0", Ok(0)),
            ("-1", Ok(-1)),
            ("100_000", Ok(100_000)),
            ("0xffff_ffff_ffff_ffff", Ok(-1)),
            ("18446744073709551615", Ok(-1)),
            ("-9223372036854775808", Ok(i64::MIN)),
            ("18446744073709551616", Err(IntError::Overflow)),
            ("0x", Err(IntError::Malformed)),
            ("12a", Err(IntError::Malformed)),
        ];
        for (s, want) in cases {
            assert_eq!(parse_int(s), want, "{s}");
        }
    }

    #[test]
    fn imm64_display() {
        let cases: [(i64, &str); 6] = [
            (0, "0"),
            (-1, "-1"),
            (9999, "9999"),
            (10_000, "0x2710"),
            (0x0042_4242_4242_4242, "0x0042_4242_4242_4242"),
            (-100_000, "0xffff_ffff_fffe_7960"),
        ];
        for (x, s) in cases {
            assert_eq!(Imm64(x).to_string(), s);
            assert_eq!(parse_int(s), Ok(x));
        }
    }

    #[test]
    fn f64_text() {
        let cases: [(&str, f64, &str); 9] = [
            ("0x1.8p3", 12.0, "0x1.8p3"),
            ("0x10.0", 16.0, "0x1.0p4"),
            ("0x7.5", 7.3125, "0x1.d4p2"),
            ("0.0", 0.0, "0.0"),
            ("-0.0", -0.0, "-0.0"),
            ("1.5", 1.5, "0x1.8p0"),
            ("Inf", f64::INFINITY, "+Inf"),
            ("-Inf", f64::NEG_INFINITY, "-Inf"),
            ("0x1.0p-1074", 5e-324, "0x0.0000000000001p-1022"),
        ];
        for (s, v, printed) in cases {
            let x = Ieee64::parse(s).unwrap();
            assert_eq!(x.0, v.to_bits(), "{s}");
            assert_eq!(x.to_string(), printed, "{s}");
            assert_eq!(Ieee64::parse(printed), Ok(x), "{printed}");
        }
    }

    #[test]
    fn f32_text() {
        let cases: [(&str, u32, &str); 7] = [
            ("0x1.p-126", 0x0080_0000, "0x1.0p-126"),
            ("-0x1.p0", 0xbf80_0000, "-0x1.0p0"),
            ("0x42.42", 0x4284_8400, "0x1.0908p6"),
            ("NaN", 0x7fc0_0000, "+NaN"),
            ("-NaN", 0xffc0_0000, "-NaN"),
            ("NaN:0x1", 0x7fc0_0001, "+NaN:0x1"),
            ("sNaN:0x1", 0x7f80_0001, "+sNaN:0x1"),
        ];
        for (s, bits, printed) in cases {
            let x = Ieee32::parse(s).unwrap();
            assert_eq!(x.0, bits, "{s}");
            assert_eq!(x.to_string(), printed, "{s}");
            assert_eq!(Ieee32::parse(printed), Ok(x), "{printed}");
        }
        assert_eq!(Ieee32::parse("0x1.0000001p0"), Err(FloatError::Inexact));
        assert_eq!(Ieee32::parse("0x1p200"), Err(FloatError::Inexact));
        assert_eq!(Ieee32::parse("sNaN"), Err(FloatError::BadPayload));
        assert_eq!(Ieee32::parse("1.0.0"), Err(FloatError::Malformed));
        assert_eq!(Ieee32::parse("1e39"), Err(FloatError::OutOfRange));
    }
}
