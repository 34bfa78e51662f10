//! Encoding table: instruction → printed text → bytes.
//!
//! The bytes of every row come from the independent assembler, never from our
//! encoder. Each row's text was assembled with
//!
//! ```text
//! echo "<text>" | llvm-mc-14 -triple=aarch64 -show-encoding
//! ```
//!
//! and the `encoding: [..]` bytes copied as one hex string (memory order). Rows whose
//! instruction targets a label use `rl`: the label is bound 8 bytes after the
//! instruction's use and the assembler text uses `#8` for it. The test checks that
//! `emit` produces exactly the bytes and `print` exactly the text.

use atoll_codegen::buffer::{LabelUse as _, MachLabel};
use atoll_codegen::ir::TrapCode;
use atoll_codegen::machinst::{Reg, Writable};
use atoll_codegen::testing::RecordingSink;
use atoll_isa_aarch64::imms::*;
use atoll_isa_aarch64::inst::*;
use atoll_isa_aarch64::regs::*;
use atoll_isa_aarch64::{EmitState, LabelUse};

use OperandSize::{Size32 as W, Size64 as X};
use ScalarSize::{Size32 as S, Size64 as D};

struct Row {
    inst: Inst,
    print: &'static str,
    asm: &'static str,
    hex: &'static str,
}

/// A row whose printed text is also the assembler input.
fn r(inst: Inst, text: &'static str, hex: &'static str) -> Row {
    Row {
        inst,
        print: text,
        asm: text,
        hex,
    }
}

/// A row whose printed text differs from the assembler input (a label, bound at
/// +8, or a trap comment).
fn rl(inst: Inst, print: &'static str, asm: &'static str, hex: &'static str) -> Row {
    Row {
        inst,
        print,
        asm,
        hex,
    }
}

fn xr(n: u8) -> Reg {
    xreg(n)
}
fn wx(n: u8) -> Writable<Reg> {
    writable_xreg(n)
}
fn vr(n: u8) -> Reg {
    vreg(n)
}
fn wv(n: u8) -> Writable<Reg> {
    writable_vreg(n)
}
fn zr() -> Reg {
    zero_reg()
}
fn wzr() -> Writable<Reg> {
    writable_zero_reg()
}
fn sp() -> RegOrSp {
    stack_reg()
}
fn wsp() -> Writable<RegOrSp> {
    writable_stack_reg()
}
fn xs(n: u8) -> RegOrSp {
    RegOrSp::x(n)
}
fn wxs(n: u8) -> Writable<RegOrSp> {
    Writable::from_reg(RegOrSp::x(n))
}
fn i12(v: u64) -> Imm12 {
    Imm12::maybe_from_u64(v).unwrap()
}
fn il(v: u64, size: OperandSize) -> ImmLogic {
    ImmLogic::maybe_from_u64(v, size).unwrap()
}
fn sh(v: u64, size: OperandSize) -> ImmShift {
    ImmShift::maybe_from_u64(v, size).unwrap()
}
fn mw(bits: u16, hw: u8) -> MoveWideConst {
    MoveWideConst::maybe_with_shift(bits, hw).unwrap()
}
fn uimm(v: i64, scale: u8, rn: RegOrSp) -> AMode {
    AMode::UImm12 {
        rn,
        uimm12: UImm12Scaled::maybe_from_i64(v, scale).unwrap(),
    }
}
fn unscaled(v: i64, rn: RegOrSp) -> AMode {
    AMode::Unscaled {
        rn,
        simm9: SImm9::maybe_from_i64(v).unwrap(),
    }
}
fn pre(v: i64, rn: Writable<RegOrSp>) -> AMode {
    AMode::PreIndexed {
        rn,
        simm9: SImm9::maybe_from_i64(v).unwrap(),
    }
}
fn post(v: i64, rn: Writable<RegOrSp>) -> AMode {
    AMode::PostIndexed {
        rn,
        simm9: SImm9::maybe_from_i64(v).unwrap(),
    }
}
fn regx(rn: RegOrSp, rm: Reg, extend: ExtendOp, shifted: bool) -> AMode {
    AMode::RegExtended {
        rn,
        rm,
        extend,
        shifted,
    }
}
fn s7(v: i64) -> SImm7Scaled {
    SImm7Scaled::maybe_from_i64(v, 8).unwrap()
}
fn nzcv(bits: u8) -> NZCV {
    NZCV {
        n: bits & 8 != 0,
        z: bits & 4 != 0,
        c: bits & 2 != 0,
        v: bits & 1 != 0,
    }
}
fn fimm(v: f64) -> FpImm8 {
    FpImm8::maybe_from_f64(v).unwrap()
}
fn fsh(a: u8, op: FpuShiftOp, size: ScalarSize) -> FpuShiftImm {
    FpuShiftImm::maybe_from_u8(a, op, size).unwrap()
}
fn es(v: u8) -> ExtendShift {
    ExtendShift::maybe_from_u8(v).unwrap()
}
fn l0() -> MachLabel {
    MachLabel(0)
}

fn alu(op: ALUOp, size: OperandSize, rd: u8, rn: u8, rm: u8) -> Inst {
    Inst::AluRRR {
        op,
        size,
        rd: wx(rd),
        rn: xr(rn),
        rm: xr(rm),
    }
}
fn imm12(op: ALUOp, size: OperandSize, rd: Writable<RegOrSp>, rn: RegOrSp, v: u64) -> Inst {
    Inst::AluRRImm12 {
        op,
        size,
        rd,
        rn,
        imm12: i12(v),
    }
}
fn imm12s(op: ALUOp, size: OperandSize, rd: Writable<Reg>, rn: RegOrSp, v: u64) -> Inst {
    Inst::AluRRImm12S {
        op,
        size,
        rd,
        rn,
        imm12: i12(v),
    }
}
fn logic(op: ALUOp, size: OperandSize, rd: Writable<RegOrSp>, rn: Reg, v: u64) -> Inst {
    Inst::AluRRImmLogic {
        op,
        size,
        rd,
        rn,
        imml: il(v, size),
    }
}
fn logics(size: OperandSize, rd: Writable<Reg>, rn: Reg, v: u64) -> Inst {
    Inst::AluRRImmLogicS {
        size,
        rd,
        rn,
        imml: il(v, size),
    }
}
fn shifted(
    op: ALUOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: u8,
    rm: u8,
    shift: ShiftOp,
    amt: u64,
) -> Inst {
    Inst::AluRRRShift {
        op,
        size,
        rd,
        rn: xr(rn),
        rm: xr(rm),
        shift,
        amount: sh(amt, size),
    }
}
fn ext(
    op: ALUOp,
    size: OperandSize,
    rd: Writable<RegOrSp>,
    rn: RegOrSp,
    rm: u8,
    extend: ExtendOp,
    s: u8,
) -> Inst {
    Inst::AluRRRExtend {
        op,
        size,
        rd,
        rn,
        rm: xr(rm),
        extend,
        shift: es(s),
    }
}
fn exts(
    op: ALUOp,
    size: OperandSize,
    rd: Writable<Reg>,
    rn: RegOrSp,
    rm: u8,
    extend: ExtendOp,
    s: u8,
) -> Inst {
    Inst::AluRRRExtendS {
        op,
        size,
        rd,
        rn,
        rm: xr(rm),
        extend,
        shift: es(s),
    }
}
fn shimm(op: ImmShiftOp, size: OperandSize, amt: u64) -> Inst {
    Inst::AluRRImmShift {
        op,
        size,
        rd: wx(0),
        rn: xr(1),
        immshift: sh(amt, size),
    }
}
fn bit(op: BitOp, size: OperandSize) -> Inst {
    Inst::BitRR {
        op,
        size,
        rd: wx(3),
        rn: xr(4),
    }
}
fn extend(signed: bool, from_bits: u8, to_bits: u8) -> Inst {
    Inst::Extend {
        rd: wx(5),
        rn: xr(6),
        signed,
        from_bits,
        to_bits,
    }
}
fn load(op: LoadOp, rd: Writable<Reg>, mem: AMode) -> Inst {
    Inst::Load { op, rd, mem }
}
fn store(op: StoreOp, rt: Reg, mem: AMode) -> Inst {
    Inst::Store { op, rt, mem }
}
fn f2(op: FpuOp2, size: ScalarSize) -> Inst {
    Inst::FpuRRR {
        op,
        size,
        rd: wv(0),
        rn: vr(1),
        rm: vr(2),
    }
}
fn f1(op: FpuOp1, size: ScalarSize) -> Inst {
    Inst::FpuRR {
        op,
        size,
        rd: wv(3),
        rn: vr(4),
    }
}
fn round(mode: FpuRoundMode, size: ScalarSize) -> Inst {
    Inst::FpuRound {
        mode,
        size,
        rd: wv(5),
        rn: vr(6),
    }
}
fn f2i(signed: bool, src: ScalarSize, dst: OperandSize) -> Inst {
    Inst::FpuToInt {
        signed,
        src,
        dst,
        rd: wx(7),
        rn: vr(8),
    }
}
fn i2f(signed: bool, src: OperandSize, dst: ScalarSize) -> Inst {
    Inst::IntToFpu {
        signed,
        src,
        dst,
        rd: wv(9),
        rn: xr(10),
    }
}

fn rows() -> Vec<Row> {
    use ALUOp::*;
    use Cond::*;
    use ExtendOp::*;
    use LoadOp::*;
    use StoreOp::*;
    vec![
        // ---- add/sub immediate ----
        r(imm12(Add, X, wxs(0), xs(1), 0), "add x0, x1, #0", "20000091"),
        r(imm12(Add, X, wxs(0), xs(1), 4095), "add x0, x1, #4095", "20fc3f91"),
        r(imm12(Add, W, wxs(2), xs(3), 1 << 12), "add w2, w3, #1, lsl #12", "62044011"),
        r(imm12(Add, X, wxs(4), xs(5), 0xfff000), "add x4, x5, #4095, lsl #12", "a4fc7f91"),
        r(imm12(Sub, X, wxs(6), xs(7), 17), "sub x6, x7, #17", "e64400d1"),
        r(imm12(Sub, W, wxs(8), xs(9), 0x7000), "sub w8, w9, #7, lsl #12", "281d4051"),
        r(imm12s(AddS, X, wx(10), xs(11), 1), "adds x10, x11, #1", "6a0500b1"),
        r(imm12s(SubS, W, wx(12), xs(13), 255), "subs w12, w13, #255", "acfd0371"),
        r(imm12s(SubS, X, wzr(), xs(14), 42), "cmp x14, #42", "dfa900f1"),
        r(imm12s(AddS, W, wzr(), xs(15), 3), "cmn w15, #3", "ff0d0031"),
        r(imm12(Sub, X, wsp(), sp(), 32), "sub sp, sp, #32", "ff8300d1"),
        r(imm12(Add, X, wsp(), sp(), 0x10000), "add sp, sp, #16, lsl #12", "ff434091"),
        r(imm12(Add, X, wxs(29), sp(), 16), "add x29, sp, #16", "fd430091"),
        r(imm12s(SubS, X, wzr(), sp(), 16), "cmp sp, #16", "ff4300f1"),
        // ---- three-register ALU ----
        r(alu(Add, X, 0, 1, 2), "add x0, x1, x2", "2000028b"),
        r(alu(Add, W, 3, 4, 5), "add w3, w4, w5", "8300050b"),
        r(alu(Sub, X, 6, 7, 8), "sub x6, x7, x8", "e60008cb"),
        r(alu(Sub, W, 9, 10, 11), "sub w9, w10, w11", "49010b4b"),
        r(alu(AddS, X, 12, 13, 14), "adds x12, x13, x14", "ac010eab"),
        r(alu(SubS, W, 15, 16, 17), "subs w15, w16, w17", "0f02116b"),
        r(alu(And, X, 18, 19, 20), "and x18, x19, x20", "7202148a"),
        r(alu(And, W, 21, 22, 23), "and w21, w22, w23", "d502170a"),
        r(alu(AndS, X, 24, 25, 26), "ands x24, x25, x26", "38031aea"),
        r(alu(Orr, X, 27, 28, 29), "orr x27, x28, x29", "9b031daa"),
        r(alu(Orr, W, 30, 0, 1), "orr w30, w0, w1", "1e00012a"),
        r(alu(Eor, X, 2, 3, 4), "eor x2, x3, x4", "620004ca"),
        r(alu(Eor, W, 5, 6, 7), "eor w5, w6, w7", "c500074a"),
        r(alu(AndNot, X, 8, 9, 10), "bic x8, x9, x10", "28012a8a"),
        r(alu(OrrNot, W, 11, 12, 13), "orn w11, w12, w13", "8b012d2a"),
        r(alu(EorNot, X, 14, 15, 16), "eon x14, x15, x16", "ee0130ca"),
        r(alu(Lsl, X, 0, 1, 2), "lsl x0, x1, x2", "2020c29a"),
        r(alu(Lsl, W, 0, 1, 2), "lsl w0, w1, w2", "2020c21a"),
        r(alu(Lsr, X, 3, 4, 5), "lsr x3, x4, x5", "8324c59a"),
        r(alu(Lsr, W, 3, 4, 5), "lsr w3, w4, w5", "8324c51a"),
        r(alu(Asr, X, 6, 7, 8), "asr x6, x7, x8", "e628c89a"),
        r(alu(Asr, W, 6, 7, 8), "asr w6, w7, w8", "e628c81a"),
        r(alu(Ror, X, 9, 10, 11), "ror x9, x10, x11", "492dcb9a"),
        r(alu(Ror, W, 9, 10, 11), "ror w9, w10, w11", "492dcb1a"),
        r(alu(SDiv, X, 12, 13, 14), "sdiv x12, x13, x14", "ac0dce9a"),
        r(alu(SDiv, W, 12, 13, 14), "sdiv w12, w13, w14", "ac0dce1a"),
        r(alu(UDiv, X, 15, 16, 17), "udiv x15, x16, x17", "0f0ad19a"),
        r(alu(UDiv, W, 15, 16, 17), "udiv w15, w16, w17", "0f0ad11a"),
        r(alu(SMulH, X, 18, 19, 20), "smulh x18, x19, x20", "727e549b"),
        r(alu(UMulH, X, 21, 22, 23), "umulh x21, x22, x23", "d57ed79b"),
        r(Inst::cmp(X, xr(1), xr(2)), "cmp x1, x2", "3f0002eb"),
        r(Inst::cmp(W, xr(3), xr(4)), "cmp w3, w4", "7f00046b"),
        r(Inst::AluRRR { op: AddS, size: X, rd: wzr(), rn: xr(5), rm: xr(6) }, "cmn x5, x6", "bf0006ab"),
        r(Inst::AluRRR { op: AndS, size: W, rd: wzr(), rn: xr(7), rm: xr(8) }, "tst w7, w8", "ff00086a"),
        r(Inst::AluRRR { op: Sub, size: X, rd: wx(0), rn: zr(), rm: xr(1) }, "sub x0, xzr, x1", "e00301cb"),
        // ---- shifted register ----
        r(shifted(Add, X, wx(0), 1, 2, ShiftOp::Lsl, 3), "add x0, x1, x2, lsl #3", "200c028b"),
        r(shifted(Add, W, wx(0), 1, 2, ShiftOp::Lsr, 31), "add w0, w1, w2, lsr #31", "207c420b"),
        r(shifted(Sub, X, wx(3), 4, 5, ShiftOp::Asr, 63), "sub x3, x4, x5, asr #63", "83fc85cb"),
        r(shifted(SubS, X, wzr(), 4, 5, ShiftOp::Lsl, 12), "cmp x4, x5, lsl #12", "9f3005eb"),
        r(shifted(And, X, wx(6), 7, 8, ShiftOp::Ror, 7), "and x6, x7, x8, ror #7", "e61cc88a"),
        r(shifted(Orr, W, wx(9), 10, 11, ShiftOp::Lsl, 1), "orr w9, w10, w11, lsl #1", "49050b2a"),
        r(shifted(Eor, X, wx(12), 13, 14, ShiftOp::Lsr, 32), "eor x12, x13, x14, lsr #32", "ac814eca"),
        r(shifted(AndNot, W, wx(15), 16, 17, ShiftOp::Asr, 2), "bic w15, w16, w17, asr #2", "0f0ab10a"),
        r(shifted(AndS, X, wzr(), 18, 19, ShiftOp::Lsl, 4), "tst x18, x19, lsl #4", "5f1213ea"),
        r(shifted(AddS, W, wx(20), 21, 22, ShiftOp::Lsl, 0), "adds w20, w21, w22, lsl #0", "b402162b"),
        // ---- extended register ----
        r(ext(Add, X, wxs(0), xs(1), 2, Uxtw, 0), "add x0, x1, w2, uxtw", "2040228b"),
        r(ext(Add, X, wxs(0), sp(), 2, Uxtw, 2), "add x0, sp, w2, uxtw #2", "e04b228b"),
        r(ext(Add, X, wsp(), sp(), 3, Sxtw, 0), "add sp, sp, w3, sxtw", "ffc3238b"),
        r(ext(Sub, X, wxs(4), xs(5), 6, Sxtb, 1), "sub x4, x5, w6, sxtb #1", "a48426cb"),
        r(ext(Sub, W, wxs(7), xs(8), 9, Uxth, 4), "sub w7, w8, w9, uxth #4", "0731294b"),
        r(exts(AddS, X, wx(10), xs(11), 12, Uxtx, 3), "adds x10, x11, x12, uxtx #3", "6a6d2cab"),
        r(exts(SubS, X, wzr(), xs(13), 14, Sxtw, 0), "cmp x13, w14, sxtw", "bfc12eeb"),
        r(ext(Add, X, wxs(15), xs(16), 17, Sxtx, 0), "add x15, x16, x17, sxtx", "0fe2318b"),
        r(ext(Add, W, wxs(18), xs(19), 20, Uxtb, 0), "add w18, w19, w20, uxtb", "7202340b"),
        // ---- logical immediate ----
        r(logic(And, X, wxs(0), xr(1), 0xff), "and x0, x1, #0xff", "201c4092"),
        r(logic(And, W, wxs(0), xr(1), 0xffff), "and w0, w1, #0xffff", "203c0012"),
        r(logic(And, X, wxs(0), xr(1), 0xff00ff00ff00ff00), "and x0, x1, #0xff00ff00ff00ff00", "209c0892"),
        r(logic(Orr, X, wxs(2), zr(), 0x5555555555555555), "orr x2, xzr, #0x5555555555555555", "e2f300b2"),
        r(logic(Orr, W, wxs(3), xr(4), 0x80000000), "orr w3, w4, #0x80000000", "83000132"),
        r(logic(Eor, X, wxs(5), xr(6), 0x8000000000000000), "eor x5, x6, #0x8000000000000000", "c50041d2"),
        r(logic(Eor, W, wxs(7), xr(8), 0x7ffffffe), "eor w7, w8, #0x7ffffffe", "07751f52"),
        r(logics(X, wx(9), xr(10), 0xf0), "ands x9, x10, #0xf0", "490d7cf2"),
        r(logics(W, wzr(), xr(11), 1), "tst w11, #0x1", "7f010072"),
        r(logic(And, X, wsp(), xr(12), 0xfffffffffffffff0), "and sp, x12, #0xfffffffffffffff0", "9fed7c92"),
        r(logic(Orr, X, wxs(13), xr(14), 0x00ffff0000ffff00), "orr x13, x14, #0xffff0000ffff00", "cd3d18b2"),
        r(logic(And, W, wxs(15), xr(16), 0xc3c3c3c3), "and w15, w16, #0xc3c3c3c3", "0fce0212"),
        // ---- move wide ----
        r(Inst::MovWide { op: MoveWideOp::MovZ, size: X, rd: wx(0), imm: mw(0x1234, 0) }, "movz x0, #0x1234", "804682d2"),
        r(Inst::MovWide { op: MoveWideOp::MovZ, size: X, rd: wx(1), imm: mw(0xffff, 3) }, "movz x1, #0xffff, lsl #48", "e1ffffd2"),
        r(Inst::MovWide { op: MoveWideOp::MovZ, size: W, rd: wx(2), imm: mw(0xabcd, 1) }, "movz w2, #0xabcd, lsl #16", "a279b552"),
        r(Inst::MovWide { op: MoveWideOp::MovN, size: X, rd: wx(3), imm: mw(0, 0) }, "movn x3, #0x0", "03008092"),
        r(Inst::MovWide { op: MoveWideOp::MovN, size: W, rd: wx(4), imm: mw(0x10, 1) }, "movn w4, #0x10, lsl #16", "0402a012"),
        r(Inst::MovWide { op: MoveWideOp::MovN, size: X, rd: wx(5), imm: mw(0x8000, 2) }, "movn x5, #0x8000, lsl #32", "0500d092"),
        r(Inst::MovK { size: X, rd: wx(6), rn: xr(6), imm: mw(0xbeef, 2) }, "movk x6, #0xbeef, lsl #32", "e6ddd7f2"),
        r(Inst::MovK { size: W, rd: wx(7), rn: xr(7), imm: mw(0x1, 0) }, "movk w7, #0x1", "27008072"),
        r(Inst::MovK { size: X, rd: wx(8), rn: xr(8), imm: mw(0xffff, 3) }, "movk x8, #0xffff, lsl #48", "e8fffff2"),
        // ---- multiply ----
        r(Inst::mul(X, wx(0), xr(1), xr(2)), "mul x0, x1, x2", "207c029b"),
        r(Inst::mul(W, wx(3), xr(4), xr(5)), "mul w3, w4, w5", "837c051b"),
        r(Inst::AluRRRR { op: ALUOp3::MAdd, size: X, rd: wx(6), rn: xr(7), rm: xr(8), ra: xr(9) }, "madd x6, x7, x8, x9", "e624089b"),
        r(Inst::AluRRRR { op: ALUOp3::MSub, size: W, rd: wx(10), rn: xr(11), rm: xr(12), ra: xr(13) }, "msub w10, w11, w12, w13", "6ab50c1b"),
        r(Inst::AluRRRR { op: ALUOp3::MSub, size: X, rd: wx(14), rn: xr(15), rm: xr(16), ra: zr() }, "mneg x14, x15, x16", "eefd109b"),
        r(Inst::AluRRRR { op: ALUOp3::SMAddL, size: X, rd: wx(17), rn: xr(18), rm: xr(19), ra: xr(20) }, "smaddl x17, w18, w19, x20", "5152339b"),
        r(Inst::AluRRRR { op: ALUOp3::UMAddL, size: X, rd: wx(21), rn: xr(22), rm: xr(23), ra: zr() }, "umull x21, w22, w23", "d57eb79b"),
        r(Inst::AluRRRR { op: ALUOp3::SMAddL, size: X, rd: wx(0), rn: xr(1), rm: xr(2), ra: zr() }, "smull x0, w1, w2", "207c229b"),
        // ---- immediate shifts ----
        r(shimm(ImmShiftOp::Lsl, X, 3), "lsl x0, x1, #3", "20f07dd3"),
        r(shimm(ImmShiftOp::Lsl, W, 31), "lsl w0, w1, #31", "20000153"),
        r(shimm(ImmShiftOp::Lsl, X, 0), "lsl x0, x1, #0", "20fc40d3"),
        r(shimm(ImmShiftOp::Lsr, X, 63), "lsr x0, x1, #63", "20fc7fd3"),
        r(shimm(ImmShiftOp::Lsr, W, 1), "lsr w0, w1, #1", "207c0153"),
        r(shimm(ImmShiftOp::Asr, X, 17), "asr x0, x1, #17", "20fc5193"),
        r(shimm(ImmShiftOp::Asr, W, 31), "asr w0, w1, #31", "207c1f13"),
        r(shimm(ImmShiftOp::Ror, X, 8), "ror x0, x1, #8", "2020c193"),
        r(shimm(ImmShiftOp::Ror, W, 16), "ror w0, w1, #16", "20408113"),
        // ---- extends ----
        r(extend(true, 8, 32), "sxtb w5, w6", "c51c0013"),
        r(extend(true, 8, 64), "sxtb x5, w6", "c51c4093"),
        r(extend(true, 16, 32), "sxth w5, w6", "c53c0013"),
        r(extend(true, 16, 64), "sxth x5, w6", "c53c4093"),
        r(extend(true, 32, 64), "sxtw x5, w6", "c57c4093"),
        r(extend(false, 8, 32), "uxtb w5, w6", "c51c0053"),
        r(extend(false, 8, 64), "uxtb w5, w6", "c51c0053"),
        r(extend(false, 16, 64), "uxth w5, w6", "c53c0053"),
        r(extend(false, 32, 64), "mov w5, w6", "e503062a"),
        // ---- bit operations ----
        r(bit(BitOp::Clz, X), "clz x3, x4", "8310c0da"),
        r(bit(BitOp::Clz, W), "clz w3, w4", "8310c05a"),
        r(bit(BitOp::Cls, X), "cls x3, x4", "8314c0da"),
        r(bit(BitOp::RBit, X), "rbit x3, x4", "8300c0da"),
        r(bit(BitOp::RBit, W), "rbit w3, w4", "8300c05a"),
        r(bit(BitOp::Rev, X), "rev x3, x4", "830cc0da"),
        r(bit(BitOp::Rev, W), "rev w3, w4", "8308c05a"),
        r(bit(BitOp::Rev16, W), "rev16 w3, w4", "8304c05a"),
        r(bit(BitOp::Rev16, X), "rev16 x3, x4", "8304c0da"),
        r(bit(BitOp::Rev32, X), "rev32 x3, x4", "8308c0da"),
        // ---- moves ----
        r(Inst::Mov { size: X, rd: wx(0), rm: xr(1) }, "mov x0, x1", "e00301aa"),
        r(Inst::Mov { size: W, rd: wx(2), rm: xr(3) }, "mov w2, w3", "e203032a"),
        r(Inst::mov_sp(wxs(29), sp()), "mov x29, sp", "fd030091"),
        r(Inst::mov_sp(wsp(), xs(29)), "mov sp, x29", "bf030091"),
        r(Inst::Mov { size: X, rd: wx(4), rm: zr() }, "mov x4, xzr", "e4031faa"),
        // ---- conditional select / compare ----
        r(Inst::CSel { op: CSelOp::Csel, size: X, rd: wx(0), rn: xr(1), rm: xr(2), cond: Eq }, "csel x0, x1, x2, eq", "2000829a"),
        r(Inst::CSel { op: CSelOp::Csel, size: W, rd: wx(0), rn: xr(1), rm: xr(2), cond: Hs }, "csel w0, w1, w2, hs", "2020821a"),
        r(Inst::CSel { op: CSelOp::Csinc, size: X, rd: wx(3), rn: xr(4), rm: xr(5), cond: Lt }, "csinc x3, x4, x5, lt", "83b4859a"),
        r(Inst::CSel { op: CSelOp::Csinv, size: W, rd: wx(6), rn: xr(7), rm: xr(8), cond: Gt }, "csinv w6, w7, w8, gt", "e6c0885a"),
        r(Inst::CSel { op: CSelOp::Csneg, size: X, rd: wx(9), rn: xr(10), rm: xr(11), cond: Mi }, "csneg x9, x10, x11, mi", "49458bda"),
        r(Inst::CSet { size: X, rd: wx(12), cond: Ne }, "cset x12, ne", "ec079f9a"),
        r(Inst::CSet { size: W, rd: wx(13), cond: Lo }, "cset w13, lo", "ed279f1a"),
        r(Inst::CSet { size: W, rd: wx(14), cond: Vs }, "cset w14, vs", "ee779f1a"),
        r(Inst::CSetm { size: X, rd: wx(15), cond: Hi }, "csetm x15, hi", "ef939fda"),
        r(Inst::CSetm { size: W, rd: wx(16), cond: Le }, "csetm w16, le", "f0c39f5a"),
        r(Inst::CCmp { size: X, rn: xr(1), rm: xr(2), nzcv: nzcv(0), cond: Eq }, "ccmp x1, x2, #0, eq", "200042fa"),
        r(Inst::CCmp { size: W, rn: xr(3), rm: xr(4), nzcv: nzcv(4), cond: Ne }, "ccmp w3, w4, #4, ne", "6410447a"),
        r(Inst::CCmpImm { size: X, rn: xr(5), imm: UImm5::maybe_from_u64(31).unwrap(), nzcv: nzcv(15), cond: Ge }, "ccmp x5, #31, #15, ge", "afa85ffa"),
        r(Inst::CCmpImm { size: W, rn: xr(6), imm: UImm5::maybe_from_u64(0).unwrap(), nzcv: nzcv(2), cond: Ls }, "ccmp w6, #0, #2, ls", "c298407a"),
        // ---- loads, unsigned scaled offset ----
        r(load(ULoad8, wx(0), uimm(0, 1, xs(1))), "ldrb w0, [x1]", "20004039"),
        r(load(ULoad8, wx(0), uimm(4095, 1, xs(1))), "ldrb w0, [x1, #4095]", "20fc7f39"),
        r(load(SLoad8, wx(2), uimm(7, 1, sp())), "ldrsb x2, [sp, #7]", "e21f8039"),
        r(load(ULoad16, wx(3), uimm(8190, 2, xs(4))), "ldrh w3, [x4, #8190]", "83fc7f79"),
        r(load(SLoad16, wx(5), uimm(2, 2, xs(6))), "ldrsh x5, [x6, #2]", "c5048079"),
        r(load(ULoad32, wx(7), uimm(16380, 4, xs(8))), "ldr w7, [x8, #16380]", "07fd7fb9"),
        r(load(SLoad32, wx(9), uimm(4, 4, xs(10))), "ldrsw x9, [x10, #4]", "490580b9"),
        r(load(ULoad64, wx(11), uimm(32760, 8, xs(12))), "ldr x11, [x12, #32760]", "8bfd7ff9"),
        r(load(ULoad64, wx(13), uimm(8, 8, sp())), "ldr x13, [sp, #8]", "ed0740f9"),
        r(load(FpuLoad32, wv(0), uimm(4, 4, xs(1))), "ldr s0, [x1, #4]", "200440bd"),
        r(load(FpuLoad64, wv(2), uimm(16, 8, xs(3))), "ldr d2, [x3, #16]", "620840fd"),
        r(load(FpuLoad128, wv(4), uimm(32, 16, xs(5))), "ldr q4, [x5, #32]", "a408c03d"),
        // ---- loads, unscaled ----
        r(load(ULoad8, wx(0), unscaled(-1, xs(1))), "ldurb w0, [x1, #-1]", "20f05f38"),
        r(load(SLoad8, wx(0), unscaled(255, xs(1))), "ldursb x0, [x1, #255]", "20f08f38"),
        r(load(ULoad16, wx(2), unscaled(-256, xs(3))), "ldurh w2, [x3, #-256]", "62005078"),
        r(load(SLoad16, wx(2), unscaled(1, xs(3))), "ldursh x2, [x3, #1]", "62108078"),
        r(load(ULoad32, wx(4), unscaled(-4, xs(5))), "ldur w4, [x5, #-4]", "a4c05fb8"),
        r(load(SLoad32, wx(4), unscaled(3, xs(5))), "ldursw x4, [x5, #3]", "a43080b8"),
        r(load(ULoad64, wx(6), unscaled(-8, sp())), "ldur x6, [sp, #-8]", "e6835ff8"),
        r(load(FpuLoad64, wv(7), unscaled(-16, xs(29))), "ldur d7, [x29, #-16]", "a7035ffc"),
        r(load(FpuLoad32, wv(7), unscaled(5, xs(29))), "ldur s7, [x29, #5]", "a75340bc"),
        // ---- loads, pre/post-indexed ----
        r(load(ULoad64, wx(0), pre(16, wxs(1))), "ldr x0, [x1, #16]!", "200c41f8"),
        r(load(ULoad64, wx(0), post(-16, wxs(1))), "ldr x0, [x1], #-16", "20045ff8"),
        r(load(ULoad32, wx(2), pre(-4, wsp())), "ldr w2, [sp, #-4]!", "e2cf5fb8"),
        r(load(ULoad8, wx(3), post(1, wxs(4))), "ldrb w3, [x4], #1", "83144038"),
        r(load(SLoad16, wx(5), pre(2, wxs(6))), "ldrsh x5, [x6, #2]!", "c52c8078"),
        r(load(FpuLoad64, wv(1), post(8, wsp())), "ldr d1, [sp], #8", "e18740fc"),
        // ---- loads, register offset ----
        r(load(ULoad64, wx(0), regx(xs(1), xr(2), Uxtx, false)), "ldr x0, [x1, x2]", "206862f8"),
        r(load(ULoad64, wx(0), regx(xs(1), xr(2), Uxtx, true)), "ldr x0, [x1, x2, lsl #3]", "207862f8"),
        r(load(ULoad32, wx(3), regx(xs(4), xr(5), Uxtw, true)), "ldr w3, [x4, w5, uxtw #2]", "835865b8"),
        r(load(ULoad32, wx(3), regx(xs(4), xr(5), Sxtw, false)), "ldr w3, [x4, w5, sxtw]", "83c865b8"),
        r(load(ULoad8, wx(6), regx(xs(7), xr(8), Uxtx, true)), "ldrb w6, [x7, x8, lsl #0]", "e6786838"),
        r(load(SLoad8, wx(6), regx(xs(7), xr(8), Uxtw, false)), "ldrsb x6, [x7, w8, uxtw]", "e648a838"),
        r(load(ULoad16, wx(9), regx(xs(10), xr(11), Sxtw, true)), "ldrh w9, [x10, w11, sxtw #1]", "49d96b78"),
        r(load(SLoad32, wx(12), regx(sp(), xr(13), Sxtx, true)), "ldrsw x12, [sp, x13, sxtx #2]", "ecfbadb8"),
        r(load(FpuLoad64, wv(14), regx(xs(15), xr(16), Uxtx, true)), "ldr d14, [x15, x16, lsl #3]", "ee7970fc"),
        r(load(FpuLoad32, wv(17), regx(xs(18), xr(19), Uxtw, false)), "ldr s17, [x18, w19, uxtw]", "514a73bc"),
        r(load(FpuLoad128, wv(20), regx(xs(21), xr(22), Uxtx, true)), "ldr q20, [x21, x22, lsl #4]", "b47af63c"),
        // ---- loads, literal ----
        rl(load(ULoad64, wx(1), AMode::Label { label: l0() }), "ldr x1, label0", "ldr x1, #8", "41000058"),
        rl(load(ULoad32, wx(2), AMode::Label { label: l0() }), "ldr w2, label0", "ldr w2, #8", "42000018"),
        rl(load(SLoad32, wx(3), AMode::Label { label: l0() }), "ldrsw x3, label0", "ldrsw x3, #8", "43000098"),
        rl(load(FpuLoad32, wv(4), AMode::Label { label: l0() }), "ldr s4, label0", "ldr s4, #8", "4400001c"),
        rl(load(FpuLoad64, wv(5), AMode::Label { label: l0() }), "ldr d5, label0", "ldr d5, #8", "4500005c"),
        rl(load(FpuLoad128, wv(6), AMode::Label { label: l0() }), "ldr q6, label0", "ldr q6, #8", "4600009c"),
        // ---- stores ----
        r(store(Store8, xr(0), uimm(1, 1, xs(1))), "strb w0, [x1, #1]", "20040039"),
        r(store(Store16, xr(2), uimm(6, 2, xs(3))), "strh w2, [x3, #6]", "620c0079"),
        r(store(Store32, xr(4), uimm(0, 4, sp())), "str w4, [sp]", "e40300b9"),
        r(store(Store64, xr(5), uimm(24, 8, xs(6))), "str x5, [x6, #24]", "c50c00f9"),
        r(store(Store64, zr(), uimm(0, 8, xs(7))), "str xzr, [x7]", "ff0000f9"),
        r(store(Store8, xr(8), unscaled(-3, xs(9))), "sturb w8, [x9, #-3]", "28d11f38"),
        r(store(Store16, xr(8), unscaled(-2, xs(9))), "sturh w8, [x9, #-2]", "28e11f78"),
        r(store(Store32, xr(10), unscaled(-12, xs(29))), "stur w10, [x29, #-12]", "aa431fb8"),
        r(store(Store64, xr(11), pre(-16, wsp())), "str x11, [sp, #-16]!", "eb0f1ff8"),
        r(store(Store64, xr(12), post(8, wxs(13))), "str x12, [x13], #8", "ac8500f8"),
        r(store(Store32, xr(14), regx(xs(15), xr(16), Uxtw, true)), "str w14, [x15, w16, uxtw #2]", "ee5930b8"),
        r(store(Store64, xr(17), regx(xs(18), xr(19), Uxtx, false)), "str x17, [x18, x19]", "516a33f8"),
        r(store(FpuStore32, vr(0), uimm(8, 4, xs(1))), "str s0, [x1, #8]", "200800bd"),
        r(store(FpuStore64, vr(2), unscaled(-8, xs(3))), "stur d2, [x3, #-8]", "62801ffc"),
        r(store(FpuStore128, vr(4), uimm(16, 16, sp())), "str q4, [sp, #16]", "e407803d"),
        r(store(FpuStore64, vr(5), regx(xs(6), xr(7), Sxtw, true)), "str d5, [x6, w7, sxtw #3]", "c5d827fc"),
        // ---- pairs ----
        r(Inst::StorePair { kind: PairKind::X64, rt: xr(29), rt2: xr(30), mem: PairAMode::PreIndexed { rn: wsp(), simm7: s7(-16) } }, "stp x29, x30, [sp, #-16]!", "fd7bbfa9"),
        r(Inst::LoadPair { kind: PairKind::X64, rt: wx(29), rt2: wx(30), mem: PairAMode::PostIndexed { rn: wsp(), simm7: s7(16) } }, "ldp x29, x30, [sp], #16", "fd7bc1a8"),
        r(Inst::StorePair { kind: PairKind::X64, rt: xr(19), rt2: xr(20), mem: PairAMode::SignedOffset { rn: sp(), simm7: s7(504) } }, "stp x19, x20, [sp, #504]", "f3d31fa9"),
        r(Inst::LoadPair { kind: PairKind::X64, rt: wx(21), rt2: wx(22), mem: PairAMode::SignedOffset { rn: xs(1), simm7: s7(-512) } }, "ldp x21, x22, [x1, #-512]", "355860a9"),
        r(Inst::LoadPair { kind: PairKind::X64, rt: wx(0), rt2: wx(1), mem: PairAMode::SignedOffset { rn: xs(2), simm7: s7(0) } }, "ldp x0, x1, [x2]", "400440a9"),
        r(Inst::StorePair { kind: PairKind::D64, rt: vr(8), rt2: vr(9), mem: PairAMode::PreIndexed { rn: wsp(), simm7: s7(-32) } }, "stp d8, d9, [sp, #-32]!", "e827be6d"),
        r(Inst::LoadPair { kind: PairKind::D64, rt: wv(10), rt2: wv(11), mem: PairAMode::SignedOffset { rn: sp(), simm7: s7(16) } }, "ldp d10, d11, [sp, #16]", "ea2f416d"),
        r(Inst::LoadPair { kind: PairKind::D64, rt: wv(8), rt2: wv(9), mem: PairAMode::PostIndexed { rn: wsp(), simm7: s7(32) } }, "ldp d8, d9, [sp], #32", "e827c26c"),
        // ---- float arithmetic ----
        r(f2(FpuOp2::Add, S), "fadd s0, s1, s2", "2028221e"),
        r(f2(FpuOp2::Add, D), "fadd d0, d1, d2", "2028621e"),
        r(f2(FpuOp2::Sub, S), "fsub s0, s1, s2", "2038221e"),
        r(f2(FpuOp2::Sub, D), "fsub d0, d1, d2", "2038621e"),
        r(f2(FpuOp2::Mul, S), "fmul s0, s1, s2", "2008221e"),
        r(f2(FpuOp2::Mul, D), "fmul d0, d1, d2", "2008621e"),
        r(f2(FpuOp2::Div, S), "fdiv s0, s1, s2", "2018221e"),
        r(f2(FpuOp2::Div, D), "fdiv d0, d1, d2", "2018621e"),
        r(f2(FpuOp2::Max, S), "fmax s0, s1, s2", "2048221e"),
        r(f2(FpuOp2::Max, D), "fmax d0, d1, d2", "2048621e"),
        r(f2(FpuOp2::Min, S), "fmin s0, s1, s2", "2058221e"),
        r(f2(FpuOp2::Min, D), "fmin d0, d1, d2", "2058621e"),
        r(f2(FpuOp2::MaxNm, S), "fmaxnm s0, s1, s2", "2068221e"),
        r(f2(FpuOp2::MaxNm, D), "fmaxnm d0, d1, d2", "2068621e"),
        r(f2(FpuOp2::MinNm, S), "fminnm s0, s1, s2", "2078221e"),
        r(f2(FpuOp2::MinNm, D), "fminnm d0, d1, d2", "2078621e"),
        r(f1(FpuOp1::Abs, S), "fabs s3, s4", "83c0201e"),
        r(f1(FpuOp1::Abs, D), "fabs d3, d4", "83c0601e"),
        r(f1(FpuOp1::Neg, S), "fneg s3, s4", "8340211e"),
        r(f1(FpuOp1::Neg, D), "fneg d3, d4", "8340611e"),
        r(f1(FpuOp1::Sqrt, S), "fsqrt s3, s4", "83c0211e"),
        r(f1(FpuOp1::Sqrt, D), "fsqrt d3, d4", "83c0611e"),
        r(f1(FpuOp1::Cvt, S), "fcvt d3, s4", "83c0221e"),
        r(f1(FpuOp1::Cvt, D), "fcvt s3, d4", "8340621e"),
        r(round(FpuRoundMode::Minus, S), "frintm s5, s6", "c540251e"),
        r(round(FpuRoundMode::Minus, D), "frintm d5, d6", "c540651e"),
        r(round(FpuRoundMode::Plus, S), "frintp s5, s6", "c5c0241e"),
        r(round(FpuRoundMode::Plus, D), "frintp d5, d6", "c5c0641e"),
        r(round(FpuRoundMode::Zero, S), "frintz s5, s6", "c5c0251e"),
        r(round(FpuRoundMode::Zero, D), "frintz d5, d6", "c5c0651e"),
        r(round(FpuRoundMode::Nearest, S), "frintn s5, s6", "c540241e"),
        r(round(FpuRoundMode::Nearest, D), "frintn d5, d6", "c540641e"),
        // ---- float compare / select ----
        r(Inst::FpuCmp { size: S, rn: vr(1), rm: vr(2) }, "fcmp s1, s2", "2020221e"),
        r(Inst::FpuCmp { size: D, rn: vr(3), rm: vr(31) }, "fcmp d3, d31", "60207f1e"),
        r(Inst::FpuCmpZero { size: S, rn: vr(4) }, "fcmp s4, #0.0", "8820201e"),
        r(Inst::FpuCmpZero { size: D, rn: vr(5) }, "fcmp d5, #0.0", "a820601e"),
        r(Inst::FpuCSel { size: S, rd: wv(0), rn: vr(1), rm: vr(2), cond: Gt }, "fcsel s0, s1, s2, gt", "20cc221e"),
        r(Inst::FpuCSel { size: D, rd: wv(3), rn: vr(4), rm: vr(5), cond: Vs }, "fcsel d3, d4, d5, vs", "836c651e"),
        // ---- float/int conversions ----
        r(f2i(true, S, W), "fcvtzs w7, s8", "0701381e"),
        r(f2i(true, S, X), "fcvtzs x7, s8", "0701389e"),
        r(f2i(true, D, W), "fcvtzs w7, d8", "0701781e"),
        r(f2i(true, D, X), "fcvtzs x7, d8", "0701789e"),
        r(f2i(false, S, W), "fcvtzu w7, s8", "0701391e"),
        r(f2i(false, S, X), "fcvtzu x7, s8", "0701399e"),
        r(f2i(false, D, W), "fcvtzu w7, d8", "0701791e"),
        r(f2i(false, D, X), "fcvtzu x7, d8", "0701799e"),
        r(i2f(true, W, S), "scvtf s9, w10", "4901221e"),
        r(i2f(true, X, S), "scvtf s9, x10", "4901229e"),
        r(i2f(true, W, D), "scvtf d9, w10", "4901621e"),
        r(i2f(true, X, D), "scvtf d9, x10", "4901629e"),
        r(i2f(false, W, S), "ucvtf s9, w10", "4901231e"),
        r(i2f(false, X, S), "ucvtf s9, x10", "4901239e"),
        r(i2f(false, W, D), "ucvtf d9, w10", "4901631e"),
        r(i2f(false, X, D), "ucvtf d9, x10", "4901639e"),
        // ---- moves between files, immediates, copysign pieces ----
        r(Inst::MovToFpu { size: S, rd: wv(0), rn: xr(1) }, "fmov s0, w1", "2000271e"),
        r(Inst::MovToFpu { size: D, rd: wv(2), rn: xr(3) }, "fmov d2, x3", "6200679e"),
        r(Inst::MovToFpu { size: D, rd: wv(2), rn: zr() }, "fmov d2, xzr", "e203679e"),
        r(Inst::MovFromFpu { size: S, rd: wx(4), rn: vr(5) }, "fmov w4, s5", "a400261e"),
        r(Inst::MovFromFpu { size: D, rd: wx(6), rn: vr(7) }, "fmov x6, d7", "e600669e"),
        r(Inst::FpuMove { size: S, rd: wv(8), rn: vr(9) }, "fmov s8, s9", "2841201e"),
        r(Inst::FpuMove { size: D, rd: wv(10), rn: vr(11) }, "fmov d10, d11", "6a41601e"),
        r(Inst::FpuMove128 { rd: wv(12), rn: vr(13) }, "mov v12.16b, v13.16b", "ac1dad4e"),
        r(Inst::FpuMoveImm { size: D, rd: wv(0), imm: fimm(1.0) }, "fmov d0, #1.0", "00106e1e"),
        r(Inst::FpuMoveImm { size: S, rd: wv(1), imm: fimm(-2.5) }, "fmov s1, #-2.5", "0190301e"),
        r(Inst::FpuMoveImm { size: D, rd: wv(2), imm: fimm(0.125) }, "fmov d2, #0.125", "0210681e"),
        r(Inst::FpuMoveImm { size: S, rd: wv(3), imm: fimm(31.0) }, "fmov s3, #31.0", "03f0271e"),
        r(Inst::FpuUShr { size: D, rd: wv(0), rn: vr(1), amount: fsh(63, FpuShiftOp::UShr, D) }, "ushr d0, d1, #63", "2004417f"),
        r(Inst::FpuUShr { size: S, rd: wv(0), rn: vr(1), amount: fsh(31, FpuShiftOp::UShr, S) }, "ushr v0.2s, v1.2s, #31", "2004212f"),
        r(Inst::FpuSli { size: D, rd: wv(2), ri: vr(2), rn: vr(3), amount: fsh(63, FpuShiftOp::Sli, D) }, "sli d2, d3, #63", "62547f7f"),
        r(Inst::FpuSli { size: S, rd: wv(2), ri: vr(2), rn: vr(3), amount: fsh(31, FpuShiftOp::Sli, S) }, "sli v2.2s, v3.2s, #31", "62543f2f"),
        // ---- atomics ----
        r(Inst::LoadAcquire { bits: 64, rt: wx(5), rn: xr(6) }, "ldar x5, [x6]", "c5fcdfc8"),
        r(Inst::LoadAcquire { bits: 32, rt: wx(5), rn: xr(6) }, "ldar w5, [x6]", "c5fcdf88"),
        r(Inst::LoadAcquire { bits: 16, rt: wx(5), rn: xr(6) }, "ldarh w5, [x6]", "c5fcdf48"),
        r(Inst::LoadAcquire { bits: 8, rt: wx(5), rn: xr(6) }, "ldarb w5, [x6]", "c5fcdf08"),
        r(Inst::StoreRelease { bits: 64, rt: xr(5), rn: xr(6) }, "stlr x5, [x6]", "c5fc9fc8"),
        r(Inst::StoreRelease { bits: 32, rt: xr(5), rn: xr(6) }, "stlr w5, [x6]", "c5fc9f88"),
        r(Inst::StoreRelease { bits: 16, rt: xr(5), rn: xr(6) }, "stlrh w5, [x6]", "c5fc9f48"),
        r(Inst::StoreRelease { bits: 8, rt: xr(5), rn: xr(6) }, "stlrb w5, [x6]", "c5fc9f08"),
        // Loops: the assembler input is the whole sequence, one instruction per line.
        rl(
            Inst::AtomicRMWLoop { op: AtomicOp::Add, bits: 64, addr: xr(3), operand: xr(4), old: wx(0), new: wx(1), status: wx(2) },
            "atomic_rmw_loop_add64 x0, x4, [x3], x1 ; tmp x2",
            "ldaxr x0, [x3]\nadd x1, x0, x4\nstlxr w2, x1, [x3]\ncbnz w2, #-12",
            "60fc5fc80100048b61fc02c8a2ffff35",
        ),
        rl(
            Inst::AtomicRMWLoop { op: AtomicOp::Smax, bits: 8, addr: xr(3), operand: xr(4), old: wx(0), new: wx(1), status: wx(2) },
            "atomic_rmw_loop_smax8 x0, x4, [x3], x1 ; tmp x2",
            "ldaxrb w0, [x3]\nsxtb w1, w0\ncmp w1, w4\ncsel w1, w1, w4, gt\nstlxrb w2, w1, [x3]\ncbnz w2, #-20",
            "60fc5f08011c00133f00046b21c0841a61fc020862ffff35",
        ),
        rl(
            Inst::AtomicRMWLoop { op: AtomicOp::Nand, bits: 32, addr: xr(3), operand: xr(4), old: wx(0), new: wx(1), status: wx(2) },
            "atomic_rmw_loop_nand32 x0, x4, [x3], x1 ; tmp x2",
            "ldaxr w0, [x3]\nand w1, w0, w4\nmvn w1, w1\nstlxr w2, w1, [x3]\ncbnz w2, #-16",
            "60fc5f880100040ae103212a61fc028882ffff35",
        ),
        rl(
            Inst::AtomicRMWLoop { op: AtomicOp::Xchg, bits: 16, addr: xr(3), operand: xr(4), old: wx(0), new: wx(1), status: wx(2) },
            "atomic_rmw_loop_xchg16 x0, x4, [x3], x1 ; tmp x2",
            "ldaxrh w0, [x3]\nstlxrh w2, w4, [x3]\ncbnz w2, #-8",
            "60fc5f4864fc0248c2ffff35",
        ),
        rl(
            Inst::AtomicCASLoop { bits: 64, addr: xr(3), expected: xr(4), replacement: xr(5), old: wx(0), status: wx(2) },
            "atomic_cas_loop64 x0, [x3], x4, x5 ; tmp x2",
            "ldaxr x0, [x3]\ncmp x0, x4\nb.ne #12\nstlxr w2, x5, [x3]\ncbnz w2, #-16",
            "60fc5fc81f0004eb6100005465fc02c882ffff35",
        ),
        rl(
            Inst::AtomicCASLoop { bits: 8, addr: xr(3), expected: xr(4), replacement: xr(5), old: wx(0), status: wx(2) },
            "atomic_cas_loop8 x0, [x3], x4, x5 ; tmp x2",
            "ldaxrb w0, [x3]\ncmp w0, w4\nb.ne #12\nstlxrb w2, w5, [x3]\ncbnz w2, #-16",
            "60fc5f081f00046b6100005465fc020882ffff35",
        ),
        rl(Inst::FuncAddrStub { rd: wx(0), dest: atoll_codegen::buffer::RelocTarget(3) }, "adr x0, #8 ; b #8 ; b func3", "adr x0, #8\nb #8\nb #0", "400000100200001400000014"),
        rl(Inst::ReturnCall { dest: atoll_codegen::buffer::RelocTarget(2), uses: Default::default() }, "b func2 ; tail call", "b #0", "00000014"),
        // ---- control flow ----
        r(Inst::IndirectBr { rn: xr(5) }, "br x5", "a0001fd6"),
        r(Inst::CallInd { rn: xr(17), info: Box::default() }, "blr x17", "20023fd6"),
        r(Inst::ret(), "ret", "c0035fd6"),
        rl(Inst::Udf { trap_code: TrapCode::HEAP_OUT_OF_BOUNDS }, "udf #0 ; trap: heap_oob", "udf #0", "00000000"),
        r(Inst::Brk { imm: 0xf000 }, "brk #0xf000", "00003ed4"),
        r(Inst::Nop4, "nop", "1f2003d5"),
        r(Inst::Adrp { rd: wx(0), pages: AdrpPages::maybe_from_i64(1).unwrap() }, "adrp x0, #4096", "000000b0"),
        r(Inst::Adrp { rd: wx(1), pages: AdrpPages::maybe_from_i64(-2).unwrap() }, "adrp x1, #-8192", "e1ffffd0"),
        rl(Inst::Jump { dest: l0() }, "b label0", "b #8", "02000014"),
        rl(Inst::CallLabel { dest: l0(), info: Box::default() }, "bl label0", "bl #8", "02000094"),
        rl(Inst::OneWayCondBr { target: l0(), kind: CondBrKind::Cond(Ne) }, "b.ne label0", "b.ne #8", "41000054"),
        rl(Inst::OneWayCondBr { target: l0(), kind: CondBrKind::Cond(Hs) }, "b.hs label0", "b.hs #8", "42000054"),
        rl(Inst::OneWayCondBr { target: l0(), kind: CondBrKind::Zero(xr(3), X) }, "cbz x3, label0", "cbz x3, #8", "430000b4"),
        rl(Inst::OneWayCondBr { target: l0(), kind: CondBrKind::NotZero(xr(4), W) }, "cbnz w4, label0", "cbnz w4, #8", "44000035"),
        rl(Inst::TestBitAndBranch { rn: xr(5), bit: 3, nonzero: false, target: l0() }, "tbz w5, #3, label0", "tbz w5, #3, #8", "45001836"),
        rl(Inst::TestBitAndBranch { rn: xr(6), bit: 63, nonzero: true, target: l0() }, "tbnz x6, #63, label0", "tbnz x6, #63, #8", "4600f8b7"),
        rl(Inst::Adr { rd: wx(7), label: l0() }, "adr x7, label0", "adr x7, #8", "47000010"),
    ]
}

fn emit_row(inst: &Inst) -> Vec<u8> {
    let mut sink = RecordingSink::<LabelUse>::default();
    inst.emit(&mut sink, &mut EmitState::default());
    let mut bytes = sink.bytes;
    for (off, _, kind) in sink.label_uses {
        kind.patch(&mut bytes[off as usize..], off, off + 8);
    }
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn encodings_match_llvm_mc() {
    let rows = rows();
    println!("encoding table: {} rows", rows.len());
    assert!(rows.len() >= 170, "only {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let got = hex(&emit_row(&row.inst));
        if got != row.hex {
            failures.push(format!(
                "{:<40} expected {} got {got} ({:?})",
                row.asm, row.hex, row.inst
            ));
        }
        let printed = row.inst.print();
        if printed != row.print {
            failures.push(format!("print: expected `{}` got `{printed}`", row.print));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
