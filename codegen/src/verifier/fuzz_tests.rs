//! The verifier never panics, whatever it is given: random functions with dangling
//! values, blocks, entities and wrong types, built straight into the IR (the parser
//! would reject most of them, frontends and passes would not).

use cranelift_entity::EntityRef;
use proptest::prelude::*;

use super::verify_function;
use crate::ir::{
    AbiParam, Block, BlockCall, CallConv, ExtFuncData, ExternalName, FuncRef, Function, Imm64,
    InstructionData as D, JumpTable, JumpTableData, Opcode, SigRef, Signature, StackSlot, Type,
    Value,
};

const TYPES: [Type; 5] = [Type::I8, Type::I32, Type::I64, Type::F32, Type::F64];

/// One random instruction: (kind, operand a, operand b, target block, type index).
type RawInst = (u8, u32, u32, u32, usize);

fn build(nblocks: usize, params: &[usize], insts: &[RawInst], in_layout: u8) -> Function {
    let mut sig = Signature::new(CallConv::SystemV);
    sig.params = params
        .iter()
        .map(|&t| AbiParam::new(TYPES[t % 5]))
        .collect();
    sig.returns.push(AbiParam::new(Type::I32));
    let mut f = Function::new(ExternalName::TestCase("fuzz".into()), sig.clone());
    let sig0 = f.sigs.push(sig);
    f.ext_funcs.push(ExtFuncData {
        name: ExternalName::TestCase("g".into()),
        signature: sig0,
        colocated: true,
    });
    let blocks: Vec<Block> = (0..nblocks).map(|_| f.dfg.make_block()).collect();
    for (i, &b) in blocks.iter().enumerate() {
        // Leave some blocks out of the layout.
        if i == 0 || in_layout & (1 << (i % 8)) != 0 {
            f.layout.append_block(b);
        }
        for &t in params.iter().skip(i).take(2) {
            f.dfg.append_block_param(b, TYPES[t % 5]);
        }
    }
    f.jump_tables.push(JumpTableData {
        default: BlockCall::new(Block::new(1), &[]),
        entries: vec![BlockCall::new(Block::new(9), &[])],
    });
    for (n, &(kind, a, b, target, ty)) in insts.iter().enumerate() {
        let (va, vb) = (Value::new(a as usize), Value::new(b as usize));
        let call =
            |t: u32| BlockCall::new(Block::new(t as usize), &[va, vb][..(a % 3).min(2) as usize]);
        let data = match kind % 14 {
            0 => D::UnaryImm {
                opcode: Opcode::Iconst,
                imm: Imm64(i64::from(a)),
            },
            1 => D::Binary {
                opcode: Opcode::Iadd,
                args: [va, vb],
            },
            2 => D::Binary {
                opcode: Opcode::Fadd,
                args: [va, vb],
            },
            3 => D::Binary {
                opcode: Opcode::Ishl,
                args: [va, vb],
            },
            4 => D::Ternary {
                opcode: Opcode::Select,
                args: [va, vb, va],
            },
            5 => D::Unary {
                opcode: Opcode::Uextend,
                arg: va,
            },
            6 => D::Unary {
                opcode: Opcode::Bitcast,
                arg: va,
            },
            7 => D::Jump {
                opcode: Opcode::Jump,
                destination: call(target),
            },
            8 => D::Brif {
                opcode: Opcode::Brif,
                arg: va,
                blocks: [call(target), call(target + 1)],
            },
            9 => D::MultiAry {
                opcode: Opcode::Return,
                args: [va].into_iter().collect(),
            },
            10 => D::Call {
                opcode: Opcode::Call,
                func_ref: FuncRef::new(a as usize % 2),
                args: [vb].into_iter().collect(),
            },
            11 => D::CallIndirect {
                opcode: Opcode::CallIndirect,
                sig_ref: SigRef::new(b as usize % 2),
                args: [va].into_iter().collect(),
            },
            12 => D::StackLoad {
                opcode: Opcode::StackLoad,
                stack_slot: StackSlot::new(0),
                offset: Default::default(),
            },
            _ => D::BranchTable {
                opcode: Opcode::BrTable,
                arg: va,
                table: JumpTable::new(target as usize % 2),
            },
        };
        let inst = f.dfg.make_inst(data);
        // Zero, one or two results of a random type: right, wrong or missing.
        for _ in 0..(ty % 3) {
            f.dfg.append_inst_result(inst, TYPES[(ty + n) % 5]);
        }
        let block = blocks[n % nblocks];
        if ty % 7 != 6 && f.layout.is_block_inserted(block) {
            f.layout.append_inst(inst, block);
        }
    }
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn never_panics(
        nblocks in 1usize..5,
        params in prop::collection::vec(0usize..5, 0..5),
        insts in prop::collection::vec((0u8..14, 0u32..24, 0u32..24, 0u32..7, 0usize..10), 0..24),
        in_layout in any::<u8>(),
    ) {
        let f = build(nblocks, &params, &insts, in_layout);
        let first = verify_function(&f);
        if let Err(errors) = &first {
            prop_assert!(!errors.0.is_empty());
            for e in &errors.0 {
                prop_assert!(!e.to_string().is_empty());
            }
        }
        // Deterministic: the same function gives the same report.
        prop_assert_eq!(first, verify_function(&f));
    }
}
