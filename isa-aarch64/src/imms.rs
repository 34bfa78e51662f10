//! Immediates that can only hold encodable values.
//!
//! Every type here is built by a `maybe_from_*` constructor that returns `None` for a
//! value the instruction cannot encode, so lowering checks encodability once and
//! `emit` never fails. Tests check each constructor against an independent decoder
//! (brute force where the domain is small).

use crate::inst::args::OperandSize;

/// Arithmetic immediate: 12 bits, optionally shifted left by 12 (`add`, `sub`, `cmp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Imm12 {
    bits: u16,
    shift12: bool,
}

impl Imm12 {
    /// `value` as `imm12` or `imm12 << 12`.
    pub fn maybe_from_u64(value: u64) -> Option<Imm12> {
        if value < 0x1000 {
            Some(Imm12 {
                bits: value as u16,
                shift12: false,
            })
        } else if value & 0xfff == 0 && value >> 12 < 0x1000 {
            Some(Imm12 {
                bits: (value >> 12) as u16,
                shift12: true,
            })
        } else {
            None
        }
    }

    /// Zero.
    pub fn zero() -> Imm12 {
        Imm12 {
            bits: 0,
            shift12: false,
        }
    }

    /// The value this immediate stands for.
    pub fn value(self) -> u64 {
        u64::from(self.bits) << if self.shift12 { 12 } else { 0 }
    }

    /// The 12-bit field (21:10).
    pub fn imm_bits(self) -> u32 {
        u32::from(self.bits)
    }

    /// The `sh` bit (22).
    pub fn shift_bit(self) -> u32 {
        self.shift12 as u32
    }

    /// The raw 12-bit value and whether it is shifted (for printing `#imm, lsl #12`).
    pub fn parts(self) -> (u16, bool) {
        (self.bits, self.shift12)
    }
}

/// Logical (bitmask) immediate for `and`/`orr`/`eor`/`ands`: a rotated run of ones
/// replicated over elements of 2, 4, 8, 16, 32 or 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImmLogic {
    value: u64,
    n: bool,
    immr: u8,
    imms: u8,
    size: OperandSize,
}

impl ImmLogic {
    /// Encode `value` for an operation of `size`. For 32-bit operations only the low
    /// 32 bits are considered (the upper bits of `value` must be zero).
    pub fn maybe_from_u64(value: u64, size: OperandSize) -> Option<ImmLogic> {
        let full = match size {
            OperandSize::Size64 => value,
            OperandSize::Size32 => {
                if value >> 32 != 0 {
                    return None;
                }
                value | (value << 32)
            }
        };
        // Smallest element size whose replication gives back the whole value.
        let mut e = 64u32;
        while e > 2 {
            let half = e / 2;
            let mask = (1u64 << half) - 1;
            if (full & mask) != ((full >> half) & mask) {
                break;
            }
            e = half;
        }
        let emask = if e == 64 { u64::MAX } else { (1u64 << e) - 1 };
        let elem = full & emask;
        let ones = elem.count_ones();
        if ones == 0 || ones == e {
            return None;
        }
        let run = (1u64 << ones) - 1;
        // Find r with ROR(run, r) == elem, i.e. ROL(elem, r) == run, within e bits.
        let rol = |x: u64, r: u32| -> u64 {
            if r == 0 {
                x
            } else {
                ((x << r) | (x >> (e - r))) & emask
            }
        };
        let r = (0..e).find(|&r| rol(elem, r) == run)?;
        let n = e == 64;
        let imms = ((!(2 * e - 1)) & 0x3f) | (ones - 1);
        Some(ImmLogic {
            value: value & size_mask(size),
            n,
            immr: r as u8,
            imms: imms as u8,
            size,
        })
    }

    /// The value as the operation sees it (low 32 bits for 32-bit operations).
    pub fn value(self) -> u64 {
        self.value
    }

    /// The `N:immr:imms` fields: N in 22, immr in 21:16, imms in 15:10.
    pub fn enc_bits(self) -> u32 {
        ((self.n as u32) << 12) | (u32::from(self.immr) << 6) | u32::from(self.imms)
    }

    /// The operation size this immediate was encoded for.
    pub fn size(self) -> OperandSize {
        self.size
    }
}

fn size_mask(size: OperandSize) -> u64 {
    match size {
        OperandSize::Size32 => 0xffff_ffff,
        OperandSize::Size64 => u64::MAX,
    }
}

/// Decode `N:immr:imms` into the 64-bit mask it stands for (the architecture's
/// DecodeBitMasks, for tests and the printer), or `None` for reserved encodings.
pub fn decode_logic_imm(n: bool, immr: u8, imms: u8) -> Option<u64> {
    let combined = ((n as u32) << 6) | (u32::from(!imms) & 0x3f);
    if combined == 0 {
        return None;
    }
    let len = 31 - combined.leading_zeros();
    if len == 0 {
        return None;
    }
    let e = 1u32 << len;
    let levels = e - 1;
    let s = u32::from(imms) & levels;
    let r = u32::from(immr) & levels;
    if s == levels {
        return None;
    }
    let emask = if e == 64 { u64::MAX } else { (1u64 << e) - 1 };
    let welem = (1u64 << (s + 1)) - 1;
    let elem = if r == 0 {
        welem
    } else {
        ((welem >> r) | (welem << (e - r))) & emask
    };
    let mut out = 0u64;
    let mut pos = 0;
    while pos < 64 {
        out |= elem << pos;
        pos += e;
    }
    Some(out)
}

/// Shift amount for immediate shifts: `0..bits` of the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImmShift {
    imm: u8,
}

impl ImmShift {
    /// `value` as a shift amount for an operation of `size`.
    pub fn maybe_from_u64(value: u64, size: OperandSize) -> Option<ImmShift> {
        if value < u64::from(size.bits()) {
            Some(ImmShift { imm: value as u8 })
        } else {
            None
        }
    }

    /// The amount.
    pub fn value(self) -> u8 {
        self.imm
    }
}

/// A 16-bit chunk at halfword position 0..=3 (`movz`/`movn`/`movk`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoveWideConst {
    bits: u16,
    hw: u8,
}

impl MoveWideConst {
    /// `value` if it has at most one non-zero halfword.
    pub fn maybe_from_u64(value: u64) -> Option<MoveWideConst> {
        (0..4u8)
            .find(|hw| value & !(0xffffu64 << (16 * hw)) == 0)
            .map(|hw| MoveWideConst {
                bits: (value >> (16 * hw)) as u16,
                hw,
            })
    }

    /// `bits << (16 * hw)`, `hw` in `0..=3`.
    pub fn maybe_with_shift(bits: u16, hw: u8) -> Option<MoveWideConst> {
        (hw < 4).then_some(MoveWideConst { bits, hw })
    }

    /// The 16-bit field (20:5).
    pub fn bits(self) -> u16 {
        self.bits
    }

    /// The halfword position (`hw`, 22:21); the shift is `16 * hw`.
    pub fn hw(self) -> u8 {
        self.hw
    }

    /// The value.
    pub fn value(self) -> u64 {
        u64::from(self.bits) << (16 * self.hw)
    }
}

/// Signed 9-bit byte offset (unscaled and pre/post-indexed addressing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SImm9 {
    value: i16,
}

impl SImm9 {
    pub fn maybe_from_i64(value: i64) -> Option<SImm9> {
        (-256..=255).contains(&value).then_some(SImm9 {
            value: value as i16,
        })
    }

    pub fn zero() -> SImm9 {
        SImm9 { value: 0 }
    }

    pub fn value(self) -> i64 {
        i64::from(self.value)
    }

    /// The 9-bit field (20:12).
    pub fn bits(self) -> u32 {
        (self.value as u32) & 0x1ff
    }
}

/// Unsigned 12-bit offset scaled by the access size (`ldr x0, [x1, #8]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UImm12Scaled {
    value: u32,
    scale: u8,
}

impl UImm12Scaled {
    /// `value` bytes for an access of `scale` bytes (1, 2, 4, 8 or 16).
    pub fn maybe_from_i64(value: i64, scale: u8) -> Option<UImm12Scaled> {
        let s = i64::from(scale);
        if scale == 0
            || !scale.is_power_of_two()
            || value < 0
            || value % s != 0
            || value / s > 0xfff
        {
            return None;
        }
        Some(UImm12Scaled {
            value: value as u32,
            scale,
        })
    }

    /// Zero offset for an access of `scale` bytes.
    pub fn zero(scale: u8) -> UImm12Scaled {
        UImm12Scaled { value: 0, scale }
    }

    /// Offset in bytes.
    pub fn value(self) -> i64 {
        i64::from(self.value)
    }

    /// Access size this offset was scaled for.
    pub fn scale(self) -> u8 {
        self.scale
    }

    /// The 12-bit field (21:10).
    pub fn bits(self) -> u32 {
        self.value / u32::from(self.scale)
    }
}

/// Signed 7-bit offset scaled by the access size (`ldp`/`stp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SImm7Scaled {
    value: i16,
    scale: u8,
}

impl SImm7Scaled {
    /// `value` bytes for a pair of `scale`-byte registers (4, 8 or 16).
    pub fn maybe_from_i64(value: i64, scale: u8) -> Option<SImm7Scaled> {
        let s = i64::from(scale);
        if !matches!(scale, 4 | 8 | 16) || value % s != 0 || !(-64..=63).contains(&(value / s)) {
            return None;
        }
        Some(SImm7Scaled {
            value: value as i16,
            scale,
        })
    }

    pub fn zero(scale: u8) -> SImm7Scaled {
        SImm7Scaled { value: 0, scale }
    }

    pub fn value(self) -> i64 {
        i64::from(self.value)
    }

    pub fn scale(self) -> u8 {
        self.scale
    }

    /// The 7-bit field (21:15).
    pub fn bits(self) -> u32 {
        ((i32::from(self.value) / i32::from(self.scale)) as u32) & 0x7f
    }
}

/// Unsigned 5-bit immediate (`ccmp` immediate form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UImm5 {
    value: u8,
}

impl UImm5 {
    pub fn maybe_from_u64(value: u64) -> Option<UImm5> {
        (value < 32).then_some(UImm5 { value: value as u8 })
    }

    pub fn bits(self) -> u32 {
        u32::from(self.value)
    }
}

/// The NZCV flag values `ccmp` sets when its condition fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NZCV {
    pub n: bool,
    pub z: bool,
    pub c: bool,
    pub v: bool,
}

impl NZCV {
    /// The 4-bit field (3:0).
    pub fn bits(self) -> u32 {
        ((self.n as u32) << 3) | ((self.z as u32) << 2) | ((self.c as u32) << 1) | (self.v as u32)
    }
}

/// An 8-bit floating-point immediate for `fmov` (±(16..=31)/16 × 2^(−3..=4)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FpImm8 {
    imm8: u8,
}

impl FpImm8 {
    /// `value` if `fmov sN, #value` can encode it exactly.
    pub fn maybe_from_f32(value: f32) -> Option<FpImm8> {
        let bits = value.to_bits();
        if bits & 0x7_ffff != 0 {
            return None;
        }
        let b = (bits >> 29) & 1;
        let exp_hi = (bits >> 25) & 0x3f; // ~b then five copies of b
        let expect = if b == 1 { 0b01_1111 } else { 0b10_0000 };
        if exp_hi != expect {
            return None;
        }
        let a = bits >> 31;
        let cdefgh = (bits >> 19) & 0x3f;
        Some(FpImm8 {
            imm8: ((a << 7) | (b << 6) | cdefgh) as u8,
        })
    }

    /// `value` if `fmov dN, #value` can encode it exactly.
    pub fn maybe_from_f64(value: f64) -> Option<FpImm8> {
        let bits = value.to_bits();
        if bits & ((1u64 << 48) - 1) != 0 {
            return None;
        }
        let b = (bits >> 61) & 1;
        let exp_hi = (bits >> 54) & 0x1ff; // ~b then eight copies of b
        let expect = if b == 1 { 0b0_1111_1111 } else { 0b1_0000_0000 };
        if exp_hi != expect {
            return None;
        }
        let a = bits >> 63;
        let cdefgh = (bits >> 48) & 0x3f;
        Some(FpImm8 {
            imm8: ((a << 7) | (b << 6) | cdefgh) as u8,
        })
    }

    /// The 8-bit field (20:13).
    pub fn bits(self) -> u32 {
        u32::from(self.imm8)
    }

    /// The value as an `f64` (exact for both widths): the architecture's VFPExpandImm.
    pub fn to_f64(self) -> f64 {
        let a = u64::from(self.imm8 >> 7);
        let b = u64::from((self.imm8 >> 6) & 1);
        let cdefgh = u64::from(self.imm8 & 0x3f);
        let exp = ((b ^ 1) << 8) | if b == 1 { 0xff } else { 0 };
        f64::from_bits((a << 63) | (exp << 54) | (cdefgh << 48))
    }
}

#[cfg(test)]
#[path = "imms_tests.rs"]
mod tests;
