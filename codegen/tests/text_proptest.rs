//! Property tests of the CLIF parser and printer.
//!
//! (a) Random valid functions (random types, opcodes, blocks with parameters,
//!     branches) print, parse and print again to the same text.
//! (b) Mutated CLIF text (corpus files and generated functions, with characters and
//!     tokens deleted, inserted or replaced) never makes the parser panic; whatever
//!     it accepts prints and parses back to the same printout, and the verifier does
//!     not panic on it.
//!
//! Generated functions must also pass the verifier.

use std::sync::OnceLock;

use atoll_codegen::ir::*;
use atoll_codegen::text::{parse_functions, parse_test};
use atoll_codegen::verifier::verify_function;
use proptest::prelude::*;

mod common;
use common::{corpus_dir, scalar_core_names};

/// Deterministic decisions drawn from a proptest-generated vector.
struct Choices<'a> {
    data: &'a [u32],
    pos: usize,
}

impl Choices<'_> {
    fn next(&mut self) -> u32 {
        let v = self
            .data
            .get(self.pos % self.data.len().max(1))
            .copied()
            .unwrap_or(0);
        self.pos += 1;
        // Mix in the position so that a short vector still gives varied decisions.
        v.wrapping_add((self.pos as u32).wrapping_mul(0x9e37_79b9))
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n.max(1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const INT_TYPES: [Type; 4] = [Type::I8, Type::I16, Type::I32, Type::I64];
/// Every type the IR has; the generator draws from the crate's own list so a new
/// type is exercised without editing this file.
const TYPES: [Type; 7] = ALL_TYPES;

struct Gen<'c, 'd> {
    c: &'c mut Choices<'d>,
    func: Function,
    /// Values usable in the current block: entry-block values (which dominate every
    /// block) plus the current block's own.
    avail: Vec<Value>,
    entry_vals: Vec<Value>,
}

impl Gen<'_, '_> {
    fn ty(&self, v: Value) -> Type {
        self.func
            .dfg
            .value_type(v)
            .expect("generated values are defined")
    }

    fn add(&mut self, block: Block, data: InstructionData, ctrl: Option<Type>) -> Inst {
        let inst = self
            .func
            .append_inst(block, data, ctrl)
            .expect("generator builds typed instructions");
        self.avail
            .extend_from_slice(self.func.dfg.inst_results(inst));
        inst
    }

    /// One of `ops` on two values of type `ty` (drawn in this order: opcode, first
    /// operand, second operand).
    fn binary(&mut self, block: Block, ops: &[Opcode], ty: Type) {
        let opcode = self.c.pick(ops);
        let a = self.value_of(block, ty);
        let b = self.value_of(block, ty);
        let data = InstructionData::Binary {
            opcode,
            args: [a, b],
        };
        self.add(block, data, Some(ty));
    }

    /// A value of type `ty`: an available one, or a new constant.
    fn value_of(&mut self, block: Block, ty: Type) -> Value {
        let candidates: Vec<Value> = self
            .avail
            .iter()
            .copied()
            .filter(|&v| self.ty(v) == ty)
            .collect();
        if !candidates.is_empty() && self.c.below(3) != 0 {
            return self.c.pick(&candidates);
        }
        if ty == Type::I128 {
            // CLIF has no `iconst.i128`: build it from two halves.
            let lo = self.value_of(block, Type::I64);
            let hi = self.value_of(block, Type::I64);
            let data = InstructionData::Binary {
                opcode: Opcode::Iconcat,
                args: [lo, hi],
            };
            let inst = self.add(block, data, Some(Type::I64));
            return self.func.dfg.inst_results(inst)[0];
        }
        let data = match ty {
            Type::F32 => InstructionData::UnaryIeee32 {
                opcode: Opcode::F32const,
                imm: Ieee32(self.c.next()),
            },
            Type::F64 => InstructionData::UnaryIeee64 {
                opcode: Opcode::F64const,
                imm: Ieee64(u64::from(self.c.next()) << 32 | u64::from(self.c.next())),
            },
            _ => {
                // A constant that fits the type, sign-extended as CLIF text writes it.
                let shift = 64 - ty.bits().min(64);
                let x = (i64::from(self.c.next() as i32) << shift) >> shift;
                InstructionData::UnaryImm {
                    opcode: Opcode::Iconst,
                    imm: Imm64(x),
                }
            }
        };
        let inst = self.add(block, data, Some(ty));
        self.func.dfg.inst_results(inst)[0]
    }

    fn block_call(&mut self, from: Block, to: Block) -> BlockCall {
        let params: Vec<Type> = self
            .func
            .dfg
            .block_params(to)
            .iter()
            .map(|&p| self.ty(p))
            .collect();
        let args: Vec<Value> = params.into_iter().map(|t| self.value_of(from, t)).collect();
        BlockCall::new(to, &args)
    }

    fn body_inst(&mut self, block: Block) {
        let int_ty = self.c.pick(&INT_TYPES);
        let float_ty = self.c.pick(&[Type::F32, Type::F64]);
        match self.c.below(14) {
            12 => {
                let op = self.c.pick(&AtomicRmwOp::ALL);
                let p = self.value_of(block, Type::I64);
                let x = self.value_of(block, int_ty);
                let flags = if self.c.below(2) == 0 {
                    MemFlags::trusted()
                } else {
                    MemFlags::new()
                };
                let data = InstructionData::AtomicRmw {
                    opcode: Opcode::AtomicRmw,
                    flags,
                    op,
                    args: [p, x],
                };
                self.add(block, data, Some(int_ty));
            }
            13 => {
                let a = self.value_of(block, Type::I64);
                let split = self.add(
                    block,
                    InstructionData::Unary {
                        opcode: Opcode::Isplit,
                        arg: a,
                    },
                    Some(Type::I64),
                );
                let [lo, hi] = [0, 1].map(|i| self.func.dfg.inst_results(split)[i]);
                let data = InstructionData::Binary {
                    opcode: Opcode::Iconcat,
                    args: [lo, hi],
                };
                self.add(block, data, Some(Type::I32));
            }
            0 => {
                let ops = [
                    Opcode::Iadd,
                    Opcode::Isub,
                    Opcode::Imul,
                    Opcode::Band,
                    Opcode::Bxor,
                    Opcode::Rotl,
                    Opcode::Umin,
                    Opcode::Sdiv,
                ];
                self.binary(block, &ops, int_ty);
            }
            1 => {
                let cond = self.c.pick(IntCC::ALL);
                let a = self.value_of(block, int_ty);
                let b = self.value_of(block, int_ty);
                self.add(
                    block,
                    InstructionData::IntCompare {
                        opcode: Opcode::Icmp,
                        cond,
                        args: [a, b],
                    },
                    Some(int_ty),
                );
            }
            2 => {
                let cond = self.c.pick(FloatCC::ALL);
                let a = self.value_of(block, float_ty);
                let b = self.value_of(block, float_ty);
                self.add(
                    block,
                    InstructionData::FloatCompare {
                        opcode: Opcode::Fcmp,
                        cond,
                        args: [a, b],
                    },
                    Some(float_ty),
                );
            }
            3 => {
                let ops = [Opcode::Fadd, Opcode::Fdiv, Opcode::Fcopysign, Opcode::Fmax];
                self.binary(block, &ops, float_ty);
            }
            4 => {
                self.binary(block, &[Opcode::UaddOverflow, Opcode::SmulOverflow], int_ty);
            }
            5 => {
                let ty = self.c.pick(&TYPES);
                let c = self.value_of(block, Type::I8);
                let a = self.value_of(block, ty);
                let b = self.value_of(block, ty);
                self.add(
                    block,
                    InstructionData::Ternary {
                        opcode: Opcode::Select,
                        args: [c, a, b],
                    },
                    Some(ty),
                );
            }
            6 => {
                let op = self.c.pick(&[Opcode::Uextend, Opcode::Sextend]);
                let a = self.value_of(block, Type::I8);
                let wider = self.c.pick(&[Type::I16, Type::I32, Type::I64]);
                self.add(
                    block,
                    InstructionData::Unary { opcode: op, arg: a },
                    Some(wider),
                );
            }
            7 => {
                let mut flags = MemFlags::new();
                for name in ["notrap", "aligned", "little"] {
                    if self.c.below(2) == 0 {
                        let _ = flags.set_by_name(name);
                    }
                }
                let p = self.value_of(block, Type::I64);
                let offset = Offset32(self.c.next() as i32 >> 20);
                if self.c.below(2) == 0 {
                    let ty = self.c.pick(&TYPES);
                    self.add(
                        block,
                        InstructionData::Load {
                            opcode: Opcode::Load,
                            flags,
                            arg: p,
                            offset,
                        },
                        Some(ty),
                    );
                } else {
                    let x = self.value_of(block, int_ty);
                    self.add(
                        block,
                        InstructionData::Store {
                            opcode: Opcode::Store,
                            flags,
                            args: [x, p],
                            offset,
                        },
                        Some(int_ty),
                    );
                }
            }
            8 => {
                let ss = StackSlot::from_u32(0);
                let offset = Offset32(self.c.below(16) as i32);
                self.add(
                    block,
                    InstructionData::StackLoad {
                        opcode: Opcode::StackAddr,
                        stack_slot: ss,
                        offset,
                    },
                    Some(Type::I64),
                );
            }
            9 => {
                let a = self.value_of(block, Type::I64);
                let func_ref = FuncRef::from_u32(0);
                let args = [a].into_iter().collect();
                self.add(
                    block,
                    InstructionData::Call {
                        opcode: Opcode::Call,
                        func_ref,
                        args,
                    },
                    None,
                );
            }
            10 => {
                let cond = self.c.pick(IntCC::ALL);
                let a = self.value_of(block, int_ty);
                let imm = Imm64(i64::from(self.c.next() as i32));
                let op = self.c.pick(&[Opcode::IaddImm, Opcode::BandImm]);
                if self.c.below(2) == 0 {
                    self.add(
                        block,
                        InstructionData::IntCompareImm {
                            opcode: Opcode::IcmpImm,
                            cond,
                            arg: a,
                            imm,
                        },
                        Some(int_ty),
                    );
                } else {
                    self.add(
                        block,
                        InstructionData::BinaryImm64 {
                            opcode: op,
                            arg: a,
                            imm,
                        },
                        Some(int_ty),
                    );
                }
            }
            _ => {
                let a = self.value_of(block, int_ty);
                let code = TrapCode::user(1 + self.c.below(250) as u8)
                    .unwrap_or(TrapCode::INTEGER_OVERFLOW);
                self.add(
                    block,
                    InstructionData::CondTrap {
                        opcode: Opcode::Trapnz,
                        arg: a,
                        code,
                    },
                    None,
                );
            }
        }
    }
}

fn generate(data: &[u32]) -> Function {
    let mut c = Choices { data, pos: 0 };
    let mut sig = Signature::new(c.pick(&CallConv::ALL));
    for _ in 0..c.below(4) {
        sig.params.push(AbiParam::new(c.pick(&TYPES)));
    }
    for _ in 0..c.below(3) {
        sig.returns.push(AbiParam::new(c.pick(&TYPES)));
    }
    let mut func = Function::new(
        ExternalName::TestCase(format!("f{}", c.below(1000))),
        sig.clone(),
    );
    func.stack_slots.push(StackSlotData {
        size: 8 + c.below(64) as u32,
        align_shift: c.below(4) as u8,
    });
    let mut callee = Signature::new(CallConv::SystemV);
    callee.params.push(AbiParam::new(Type::I64));
    callee.returns.push(AbiParam::new(c.pick(&TYPES)));
    let s = func.sigs.push(callee);
    func.ext_funcs.push(ExtFuncData {
        name: ExternalName::TestCase("callee".into()),
        signature: s,
        colocated: c.below(2) == 0,
    });
    let nblocks = 1 + c.below(4);
    let blocks: Vec<Block> = (0..nblocks).map(|_| func.dfg.make_block()).collect();
    for (i, &b) in blocks.iter().enumerate() {
        func.layout.append_block(b);
        let tys: Vec<Type> = if i == 0 {
            sig.params.iter().map(|p| p.value_type).collect()
        } else {
            (0..c.below(3)).map(|_| c.pick(&TYPES)).collect()
        };
        for t in tys {
            func.dfg.append_block_param(b, t);
        }
        if i > 0 && c.below(4) == 0 {
            func.layout.set_cold(b, true);
        }
    }
    let mut g = Gen {
        c: &mut c,
        func,
        avail: Vec::new(),
        entry_vals: Vec::new(),
    };
    for (i, &b) in blocks.iter().enumerate() {
        g.avail = g.entry_vals.clone();
        g.avail.extend_from_slice(g.func.dfg.block_params(b));
        for _ in 0..g.c.below(7) {
            g.body_inst(b);
        }
        let later = &blocks[1..];
        let term = if later.is_empty() { 0 } else { g.c.below(4) };
        let data = match term {
            1 => {
                let to = g.c.pick(later);
                InstructionData::Jump {
                    opcode: Opcode::Jump,
                    destination: g.block_call(b, to),
                }
            }
            2 => {
                let cty = g.c.pick(&INT_TYPES);
                let cond = g.value_of(b, cty);
                let (t, e) = (g.c.pick(later), g.c.pick(later));
                let blocks = [g.block_call(b, t), g.block_call(b, e)];
                InstructionData::Brif {
                    opcode: Opcode::Brif,
                    arg: cond,
                    blocks,
                }
            }
            3 => {
                let idx = g.value_of(b, Type::I32);
                let d = g.c.pick(later);
                let default = g.block_call(b, d);
                let n = g.c.below(4);
                let entries = (0..n)
                    .map(|_| {
                        let to = g.c.pick(later);
                        g.block_call(b, to)
                    })
                    .collect();
                let table = g.func.jump_tables.push(JumpTableData { default, entries });
                InstructionData::BranchTable {
                    opcode: Opcode::BrTable,
                    arg: idx,
                    table,
                }
            }
            _ => {
                let rets: Vec<Type> = sig.returns.iter().map(|p| p.value_type).collect();
                let args = rets.into_iter().map(|t| g.value_of(b, t)).collect();
                InstructionData::MultiAry {
                    opcode: Opcode::Return,
                    args,
                }
            }
        };
        g.add(b, data, None);
        if i == 0 {
            g.entry_vals = g.avail.clone();
        }
    }
    g.func
}

fn print_all(funcs: &[Function]) -> String {
    funcs.iter().map(|f| f.to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_functions_round_trip(data in prop::collection::vec(any::<u32>(), 1..256)) {
        let func = generate(&data);
        let printed = func.to_string();
        if let Err(e) = verify_function(&func) {
            return Err(TestCaseError::fail(format!("generated function does not verify:\n{e}\n{printed}")));
        }
        let parsed = parse_functions(&printed).map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(parsed.len(), 1);
        prop_assert_eq!(print_all(&parsed), printed);
    }
}

/// Mutation sources: the scalar-core corpus (when present) plus generated functions.
fn sources() -> &'static [String] {
    static SOURCES: OnceLock<Vec<String>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let mut out: Vec<String> = (0..16u32)
            .map(|i| generate(&[i, i * 7 + 3, i ^ 0x5555, 99]).to_string())
            .collect();
        let core =
            corpus_dir().and_then(|c| Some((scalar_core_names(&c)?, c.join("clif-runtests"))));
        if let Some((names, dir)) = core {
            for name in names {
                if let Ok(src) = std::fs::read_to_string(dir.join(name)) {
                    out.push(src);
                }
            }
        } else {
            println!(
                "corpus absent: ../shared/corpus not found, mutating generated functions only"
            );
        }
        out
    })
}

const TOKENS: &[&str] = &[
    "v0",
    "v99",
    "block0",
    "block7",
    "ss0",
    "gv0",
    "fn0",
    "sig0",
    "jt0",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "=",
    ".",
    "->",
    "+8",
    "-1",
    "0x1.8p3",
    "NaN:0x1",
    "i8x16",
    "i32",
    "f64",
    "iadd",
    "brif",
    "br_table",
    "call",
    "return",
    "notrap",
    "colocated",
    "%f",
    "u0:1",
    "function",
    ";",
    "\n",
    " ",
    "cold",
    "tail",
    "\"",
    "é",
    "v1048576",
];

fn mutate(src: &str, muts: &[(u8, u32, u16)]) -> String {
    let mut s: Vec<char> = src.chars().collect();
    for &(kind, pos, what) in muts {
        let at = if s.is_empty() {
            0
        } else {
            pos as usize % (s.len() + 1)
        };
        let tok: Vec<char> = TOKENS[usize::from(what) % TOKENS.len()].chars().collect();
        match kind % 4 {
            0 => {
                let end = (at + 1 + usize::from(what % 8)).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => {
                s.splice(at..at, tok);
            }
            2 => {
                // Replace the word at `at` by a token.
                let is_word = |c: &char| c.is_alphanumeric() || *c == '_' || *c == '.';
                let start = s[..at]
                    .iter()
                    .rposition(|c| !is_word(c))
                    .map_or(0, |p| p + 1);
                let end = s[at..]
                    .iter()
                    .position(|c| !is_word(c))
                    .map_or(s.len(), |p| at + p);
                s.splice(start..end, tok);
            }
            _ => {
                let c = char::from_u32(u32::from(what) % 0x250).unwrap_or('?');
                s.insert(at, c);
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn mutated_text_never_panics(
        which in any::<prop::sample::Index>(),
        muts in prop::collection::vec((any::<u8>(), any::<u32>(), any::<u16>()), 1..5),
    ) {
        let srcs = sources();
        let src = mutate(&srcs[which.index(srcs.len())], &muts);
        if let Ok(file) = parse_test(&src) {
            for tf in &file.functions {
                // The verifier must not panic either, whatever the parser accepted.
                let _ = verify_function(&tf.func);
                let printed = tf.func.to_string();
                let again = parse_functions(&printed).map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
                prop_assert_eq!(print_all(&again), printed);
            }
        }
    }
}
