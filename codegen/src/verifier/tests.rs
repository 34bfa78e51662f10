//! Verifier unit tests on functions built in memory, mainly for what the text format
//! cannot express (undeclared entities, blocks or instructions missing from the
//! layout). Everything the parser can express is also covered by the filetests in
//! `filetests/filetests/verifier/`.

use cranelift_entity::EntityRef;

use super::*;
use crate::ir::{
    AbiParam, Block, BlockCall, CallConv, ExternalName, FuncRef, GlobalValue, GlobalValueData,
    Imm64, InstructionData as D, JumpTable, Opcode, SigRef, Signature, StackSlot, Type, Value,
};

const I32: Type = Type::I32;
const I64: Type = Type::I64;
const F32: Type = Type::F32;

/// A tiny builder: explicit result types, so tests can build wrong functions.
struct B {
    f: Function,
}

impl B {
    fn new(params: &[Type], returns: &[Type]) -> B {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params = params.iter().map(|&t| AbiParam::new(t)).collect();
        sig.returns = returns.iter().map(|&t| AbiParam::new(t)).collect();
        B {
            f: Function::new(ExternalName::TestCase("t".into()), sig),
        }
    }

    fn block(&mut self, params: &[Type]) -> (Block, Vec<Value>) {
        let b = self.f.dfg.make_block();
        self.f.layout.append_block(b);
        let vs = params
            .iter()
            .map(|&t| self.f.dfg.append_block_param(b, t))
            .collect();
        (b, vs)
    }

    fn inst(&mut self, b: Block, data: D, results: &[Type]) -> Vec<Value> {
        let i = self.f.dfg.make_inst(data);
        let vs = results
            .iter()
            .map(|&t| self.f.dfg.append_inst_result(i, t))
            .collect();
        self.f.layout.append_inst(i, b);
        vs
    }

    fn iconst(&mut self, b: Block, ty: Type, n: i64) -> Value {
        self.inst(
            b,
            D::UnaryImm {
                opcode: Opcode::Iconst,
                imm: Imm64(n),
            },
            &[ty],
        )[0]
    }

    fn ret(&mut self, b: Block, vals: &[Value]) {
        self.inst(
            b,
            D::MultiAry {
                opcode: Opcode::Return,
                args: vals.iter().copied().collect(),
            },
            &[],
        );
    }

    fn jump(&mut self, b: Block, to: Block, args: &[Value]) {
        self.inst(
            b,
            D::Jump {
                opcode: Opcode::Jump,
                destination: BlockCall::new(to, args),
            },
            &[],
        );
    }

    fn errors(self) -> Vec<String> {
        match verify_function(&self.f) {
            Ok(()) => Vec::new(),
            Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
        }
    }
}

fn bin(op: Opcode, a: Value, b: Value) -> D {
    D::Binary {
        opcode: op,
        args: [a, b],
    }
}

type Case = (&'static str, fn() -> B, &'static [&'static str]);

#[test]
fn table() {
    let cases: &[Case] = &[
        ("valid", || {
            let mut b = B::new(&[I32], &[I32]);
            let (b0, p) = b.block(&[I32]);
            let (b1, q) = b.block(&[I32]);
            let c = b.iconst(b0, I32, 1);
            let s = b.inst(b0, bin(Opcode::Iadd, p[0], c), &[I32]);
            b.jump(b0, b1, &s);
            b.ret(b1, &q);
            b
        }, &[]),
        ("empty block", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.ret(b0, &[]);
            b.block(&[]);
            b
        }, &["block1: block is empty"]),
        ("no terminator", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.iconst(b0, I32, 1);
            b
        }, &["block0: block does not end with a terminator"]),
        ("terminator in the middle", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.ret(b0, &[]);
            b.ret(b0, &[]);
            b
        }, &["inst0 (return): terminator `return` is not the last instruction of block0"]),
        ("undefined value", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            let later = Value::new(1);
            b.inst(b0, bin(Opcode::Iadd, later, later), &[I32]);
            b.ret(b0, &[]);
            b
        }, &["inst0 (v0 = iadd.? v1, v1): v1 is not defined"]),
        ("self use", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.inst(b0, bin(Opcode::Iadd, Value::new(0), Value::new(0)), &[I32]);
            b.ret(b0, &[]);
            b
        }, &["inst0 (v0 = iadd v0, v0): v0 is used before it is defined"]),
        ("def does not dominate", || {
            let mut b = B::new(&[I32], &[]);
            let (b0, p) = b.block(&[I32]);
            let (b1, _) = b.block(&[]);
            let (b2, _) = b.block(&[]);
            let (b3, _) = b.block(&[]);
            b.inst(b0, D::Brif { opcode: Opcode::Brif, arg: p[0], blocks: [BlockCall::new(b1, &[]), BlockCall::new(b2, &[])] }, &[]);
            let x = b.iconst(b1, I32, 1);
            b.jump(b1, b3, &[]);
            b.jump(b2, b3, &[]);
            b.inst(b3, D::Unary { opcode: Opcode::Ineg, arg: x }, &[I32]);
            b.ret(b3, &[]);
            b
        }, &["inst4 (v2 = ineg.i32 v1): v1 is defined in block1, which does not dominate this use"]),
        // Dominance says nothing inside unreachable code (block1's use of v0), but a
        // reachable use of a value defined there is an error.
        ("unreachable blocks", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            let (b1, _) = b.block(&[]);
            let (b2, _) = b.block(&[]);
            let x = b.iconst(b0, I32, 1);
            b.jump(b0, b2, &[]);
            let y = b.inst(b1, D::Unary { opcode: Opcode::Ineg, arg: x }, &[I32])[0];
            b.jump(b1, b2, &[]);
            b.inst(b2, bin(Opcode::Iadd, x, y), &[I32]);
            b.ret(b2, &[]);
            b
        }, &["inst4 (v2 = iadd.i32 v0, v1): v1 is defined in block1, which does not dominate this use"]),
        ("def not in layout", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            let i = b.f.dfg.make_inst(D::UnaryImm { opcode: Opcode::Iconst, imm: Imm64(1) });
            let v = b.f.dfg.append_inst_result(i, I32);
            b.inst(b0, D::Unary { opcode: Opcode::Ineg, arg: v }, &[I32]);
            b.ret(b0, &[]);
            b
        }, &["inst1 (v1 = ineg.i32 v0): v0 is defined by inst0, which is not in the layout"]),
        ("operand types", || {
            let mut b = B::new(&[I32, I64], &[]);
            let (b0, p) = b.block(&[I32, I64]);
            b.inst(b0, bin(Opcode::Iadd, p[0], p[1]), &[I32]);
            b.ret(b0, &[]);
            b
        }, &["inst0 (v2 = iadd v0, v1): arg 1 has type i64, expected i32"]),
        ("controlling type set", || {
            let mut b = B::new(&[F32], &[]);
            let (b0, p) = b.block(&[F32]);
            b.inst(b0, bin(Opcode::Iadd, p[0], p[0]), &[F32]);
            b.ret(b0, &[]);
            b
        }, &["inst0 (v1 = iadd v0, v0): `iadd` on f32: expected an integer type"]),
        ("result type and count", || {
            let mut b = B::new(&[I32], &[]);
            let (b0, p) = b.block(&[I32]);
            b.inst(b0, bin(Opcode::Iadd, p[0], p[0]), &[I64]);
            b.inst(b0, bin(Opcode::Isub, p[0], p[0]), &[I32, I32]);
            b.ret(b0, &[]);
            b
        }, &[
            "inst0 (v1 = iadd v0, v0): result 0 (v1) has type i64, expected i32",
            "inst1 (v2, v3 = isub v0, v0): has 2 result(s), expected 1",
        ]),
        ("conversions", || {
            let mut b = B::new(&[I64, I32], &[]);
            let (b0, p) = b.block(&[I64, I32]);
            b.inst(b0, D::Unary { opcode: Opcode::Uextend, arg: p[0] }, &[I32]);
            b.inst(b0, D::Unary { opcode: Opcode::Ireduce, arg: p[1] }, &[I64]);
            b.inst(b0, D::Unary { opcode: Opcode::FcvtFromSint, arg: p[1] }, &[F32]);
            b.ret(b0, &[]);
            b
        }, &[
            "inst0 (v2 = uextend.i32 v0): arg 0 has type i64, expected an integer type narrower than i32",
            "inst1 (v3 = ireduce.i64 v1): arg 0 has type i32, expected an integer type wider than i64",
        ]),
        ("block call count and types", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            let (b1, _) = b.block(&[I32, I32]);
            let c = b.iconst(b0, I64, 0);
            b.inst(b0, D::Brif { opcode: Opcode::Brif, arg: c, blocks: [BlockCall::new(b1, &[c]), BlockCall::new(b1, &[c, c])] }, &[]);
            b.ret(b1, &[]);
            b
        }, &[
            "inst1 (brif v2, block1(v2), block1(v2, v2)): block1 takes 2 argument(s), got 1",
            "inst1 (brif v2, block1(v2), block1(v2, v2)): argument 0 (v2) to block1 has type i64, expected i32",
            "inst1 (brif v2, block1(v2), block1(v2, v2)): argument 1 (v2) to block1 has type i64, expected i32",
        ]),
        ("branch targets", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            let out = b.f.dfg.make_block();
            let c = b.iconst(b0, I32, 0);
            b.inst(b0, D::Brif { opcode: Opcode::Brif, arg: c, blocks: [BlockCall::new(out, &[]), BlockCall::new(Block::new(7), &[])] }, &[]);
            b
        }, &[
            "inst1 (brif v0, block1, block7): branch target block1 is not in the layout",
            "inst1 (brif v0, block1, block7): branch target block7 does not exist",
        ]),
        ("entry block vs signature", || {
            let mut b = B::new(&[I32, I64], &[]);
            let (b0, _) = b.block(&[I32, I32]);
            b.ret(b0, &[]);
            b
        }, &["block0: entry block parameter 1 (v1) has type i32, the signature says i64"]),
        ("entry block count", || {
            let mut b = B::new(&[I32], &[]);
            let (b0, _) = b.block(&[]);
            b.ret(b0, &[]);
            b
        }, &["block0: entry block has 0 parameter(s), the signature has 1"]),
        ("return values", || {
            let mut b = B::new(&[], &[I32, I32]);
            let (b0, _) = b.block(&[]);
            let (b1, _) = b.block(&[]);
            let c = b.iconst(b0, I64, 0);
            b.ret(b0, &[c]);
            b.ret(b1, &[c, c]);
            b
        }, &[
            "inst1 (return v0): 1 return value(s) given, the function's signature has 2",
            "inst2 (return v0, v0): return value 0 (v0) has type i64, the function's signature says i32",
            "inst2 (return v0, v0): return value 1 (v0) has type i64, the function's signature says i32",
        ]),
        ("undeclared entities", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.inst(b0, D::Call { opcode: Opcode::Call, func_ref: FuncRef::new(3), args: Default::default() }, &[]);
            b.inst(b0, D::StackLoad { opcode: Opcode::StackLoad, stack_slot: StackSlot::new(0), offset: Default::default() }, &[I32]);
            b.inst(b0, D::UnaryGlobalValue { opcode: Opcode::GlobalValue, global_value: GlobalValue::new(1) }, &[I64]);
            let c = b.iconst(b0, I32, 0);
            b.inst(b0, D::BranchTable { opcode: Opcode::BrTable, arg: c, table: JumpTable::new(0) }, &[]);
            b
        }, &[
            "inst0 (call fn3()): fn3 is not declared",
            "inst1 (v0 = stack_load.i32 ss0): ss0 is not declared",
            "inst2 (v1 = global_value.i64 gv1): gv1 is not declared",
            "inst4 (br_table v2, jt0): jt0 is not declared",
        ]),
        ("preamble references", || {
            let mut b = B::new(&[], &[]);
            b.f.ext_funcs.push(crate::ir::ExtFuncData { name: ExternalName::TestCase("g".into()), signature: SigRef::new(2), colocated: true });
            let gv0 = GlobalValue::new(0);
            b.f.global_values.push(GlobalValueData::IAddImm { base: gv0, offset: Imm64(8), global_type: I64 });
            b.f.global_values.push(GlobalValueData::IAddImm { base: GlobalValue::new(5), offset: Imm64(8), global_type: I64 });
            let (b0, _) = b.block(&[]);
            b.ret(b0, &[]);
            b
        }, &["fn0: signature sig2 is not declared", "gv0: gv0 is computed from itself", "gv1: base gv5 is not declared"]),
        ("call arguments", || {
            let mut b = B::new(&[], &[]);
            let mut sig = Signature::new(CallConv::SystemV);
            sig.params = vec![AbiParam::new(I32), AbiParam::new(I64)];
            sig.returns = vec![AbiParam::new(I32)];
            let sig0 = b.f.sigs.push(sig);
            b.f.ext_funcs.push(crate::ir::ExtFuncData { name: ExternalName::TestCase("g".into()), signature: sig0, colocated: true });
            let (b0, _) = b.block(&[]);
            let c = b.iconst(b0, I32, 0);
            b.inst(b0, D::Call { opcode: Opcode::Call, func_ref: FuncRef::new(0), args: [c].into_iter().collect() }, &[I32]);
            b.inst(b0, D::Call { opcode: Opcode::Call, func_ref: FuncRef::new(0), args: [c, c].into_iter().collect() }, &[I32]);
            b.inst(b0, D::CallIndirect { opcode: Opcode::CallIndirect, sig_ref: sig0, args: [c, c, c].into_iter().collect() }, &[I64]);
            b.ret(b0, &[]);
            b
        }, &[
            "inst1 (v1 = call fn0(v0)): 1 argument(s) given, sig0 (fn0) has 2",
            "inst2 (v2 = call fn0(v0, v0)): argument 1 (v0) has type i32, sig0 (fn0) says i64",
            "inst3 (v3 = call_indirect sig0, v0(v0, v0)): result 0 (v3) has type i64, expected i32",
            "inst3 (v3 = call_indirect sig0, v0(v0, v0)): argument 1 (v0) has type i32, sig0 says i64",
        ]),
        ("layout names an instruction that was never created", || {
            let mut b = B::new(&[], &[]);
            let (b0, _) = b.block(&[]);
            b.ret(b0, &[]);
            b.f.layout.append_inst(crate::ir::Inst::new(9), b0);
            b
        }, &[
            "inst0 (return): terminator `return` is not the last instruction of block0",
            "inst9: instruction is in the layout but was never created",
        ]),
    ];
    let mut mismatches = Vec::new();
    for (name, build, want) in cases {
        let got = build().errors();
        if got != *want {
            mismatches.push(format!("case {name}:\n  got:  {got:?}\n  want: {want:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// A 50,000-block chain where every block uses the entry's parameter: a dominance
/// query that walked the idom chain would make this quadratic (over a billion steps);
/// with interval numbering it is linear.
#[test]
fn long_chain_is_linear() {
    const N: usize = 50_000;
    let mut b = B::new(&[I32], &[I32]);
    let (b0, p) = b.block(&[I32]);
    let blocks: Vec<(Block, Value)> = (0..N)
        .map(|_| {
            let (blk, q) = b.block(&[I32]);
            (blk, q[0])
        })
        .collect();
    b.jump(b0, blocks[0].0, &p);
    for (i, &(blk, q)) in blocks.iter().enumerate() {
        let s = b.inst(blk, bin(Opcode::Iadd, q, p[0]), &[I32])[0];
        match blocks.get(i + 1) {
            Some(&(next, _)) => b.jump(blk, next, &[s]),
            None => b.ret(blk, &[s]),
        }
    }
    let start = std::time::Instant::now();
    assert_eq!(b.errors(), Vec::<String>::new());
    // Generous even for a debug build on a loaded machine; quadratic would take minutes.
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
