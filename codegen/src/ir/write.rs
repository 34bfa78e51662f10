//! The CLIF printer.
//!
//! Output is canonical: the preamble in the order `ss`, `gv`, `sig`, `fn`; one blank
//! line before each block (none before the first when the preamble is empty); every
//! signature with its calling convention; a type suffix exactly on the opcodes whose
//! controlling type cannot be read from an operand defined earlier in the same block
//! (see `needs_type_suffix`). Printing, parsing and printing again gives
//! the same text.

use core::fmt::{self, Write};

use cranelift_entity::{EntityRef, PrimaryMap};

use super::dfg::ValueDef;
use super::entities::{Block, Inst, Value};
use super::function::Function;
use super::instructions::{BlockCall, InstructionData};
use super::opcodes::Ctrl;

/// Writes one preamble table, a `    name = data` line per entry; returns whether it
/// wrote anything.
fn write_decls<K: EntityRef + fmt::Display, V: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    table: &PrimaryMap<K, V>,
) -> Result<bool, fmt::Error> {
    for (key, data) in table.iter() {
        writeln!(f, "    {key} = {data}")?;
    }
    Ok(!table.is_empty())
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "function {}{} {{", self.name, self.signature)?;
        f.write_char('\n')?;
        // Canonical preamble order (see the module doc); every table is written even
        // when an earlier one was empty.
        let preamble = [
            write_decls(f, &self.stack_slots)?,
            write_decls(f, &self.global_values)?,
            write_decls(f, &self.sigs)?,
            write_decls(f, &self.ext_funcs)?,
        ]
        .contains(&true);
        for (i, block) in self.layout.blocks().enumerate() {
            if i > 0 || preamble {
                f.write_char('\n')?;
            }
            write_block_header(f, self, block)?;
            for inst in self.layout.block_insts(block) {
                writeln!(f, "    {}", display_inst(self, inst))?;
            }
        }
        f.write_str("}\n")
    }
}

/// `block1(v1: i32, v2: i64) cold:`
pub fn write_block_header(f: &mut dyn Write, func: &Function, block: Block) -> fmt::Result {
    write!(f, "{block}")?;
    let params = func.dfg.block_params(block);
    if !params.is_empty() {
        f.write_char('(')?;
        for (i, &p) in params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}: ")?;
            match func.dfg.value_type(p) {
                Some(t) => write!(f, "{t}")?,
                None => f.write_str("?")?,
            }
        }
        f.write_char(')')?;
    }
    if func.layout.is_cold(block) {
        f.write_str(" cold")?;
    }
    f.write_str(":\n")
}

/// One instruction as CLIF text, without indentation or newline:
/// `v3, v4 = uadd_overflow v1, v2`.
pub fn display_inst(func: &Function, inst: Inst) -> DisplayInst<'_> {
    DisplayInst { func, inst }
}

/// See [`display_inst`].
pub struct DisplayInst<'a> {
    func: &'a Function,
    inst: Inst,
}

impl fmt::Display for DisplayInst<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (func, inst) = (self.func, self.inst);
        let results = func.dfg.inst_results(inst);
        if !results.is_empty() {
            write_values(f, results)?;
            f.write_str(" = ")?;
        }
        let data = &func.dfg[inst];
        let opcode = data.opcode();
        f.write_str(opcode.name())?;
        if needs_type_suffix(func, inst) {
            match func.ctrl_type(inst) {
                Some(t) => write!(f, ".{t}")?,
                // An explicit-type opcode without results cannot be built by the
                // parser; print something visibly wrong rather than panic.
                None => f.write_str(".?")?,
            }
        }
        write_operands(f, func, data)
    }
}

/// The suffix is printed for [`Ctrl::Explicit`] opcodes, and for
/// [`Ctrl::Operand`] ones whose type-giving operand is not defined in the same block
/// (Cranelift's rule): a reader, or the parser, may meet the use before the
/// definition.
fn needs_type_suffix(func: &Function, inst: Inst) -> bool {
    let data = &func.dfg[inst];
    match data.opcode().info().ctrl {
        Ctrl::None => false,
        Ctrl::Explicit => true,
        Ctrl::Operand(n) => {
            let Some(&arg) = data.args().get(usize::from(n)) else {
                return false;
            };
            let def_block = match func.dfg.value_def(arg) {
                ValueDef::Result(i, _) => func.layout.inst_block(i),
                ValueDef::Param(b, _) => Some(b),
                ValueDef::Unused => None,
            };
            def_block.is_none() || def_block != func.layout.inst_block(inst)
        }
    }
}

fn write_values(f: &mut fmt::Formatter<'_>, values: &[Value]) -> fmt::Result {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    Ok(())
}

fn write_block_call(f: &mut fmt::Formatter<'_>, call: &BlockCall) -> fmt::Result {
    write!(f, "{}", call.block)?;
    if !call.args.is_empty() {
        f.write_char('(')?;
        write_values(f, &call.args)?;
        f.write_char(')')?;
    }
    Ok(())
}

/// Everything after the opcode (and its type suffix), including the leading space.
fn write_operands(
    f: &mut fmt::Formatter<'_>,
    func: &Function,
    data: &InstructionData,
) -> fmt::Result {
    use InstructionData as D;
    match data {
        D::Nullary { .. } => Ok(()),
        D::Unary { arg, .. } => write!(f, " {arg}"),
        D::UnaryImm { imm, .. } => write!(f, " {imm}"),
        D::UnaryIeee32 { imm, .. } => write!(f, " {imm}"),
        D::UnaryIeee64 { imm, .. } => write!(f, " {imm}"),
        D::UnaryGlobalValue { global_value, .. } => write!(f, " {global_value}"),
        D::Binary { args, .. } => write!(f, " {}, {}", args[0], args[1]),
        D::BinaryImm64 { arg, imm, .. } => write!(f, " {arg}, {imm}"),
        D::Ternary { args, .. } => write!(f, " {}, {}, {}", args[0], args[1], args[2]),
        D::IntCompare { cond, args, .. } => write!(f, " {cond} {}, {}", args[0], args[1]),
        D::IntCompareImm { cond, arg, imm, .. } => write!(f, " {cond} {arg}, {imm}"),
        D::FloatCompare { cond, args, .. } => write!(f, " {cond} {}, {}", args[0], args[1]),
        D::IntAddTrap { args, code, .. } => write!(f, " {}, {}, {code}", args[0], args[1]),
        D::Load {
            flags, arg, offset, ..
        } => write!(f, "{flags} {arg}{offset}"),
        D::Store {
            flags,
            args,
            offset,
            ..
        } => write!(f, "{flags} {}, {}{offset}", args[0], args[1]),
        D::LoadNoOffset { flags, arg, .. } => write!(f, "{flags} {arg}"),
        D::StoreNoOffset { flags, args, .. } => write!(f, "{flags} {}, {}", args[0], args[1]),
        D::AtomicRmw {
            flags, op, args, ..
        } => write!(f, "{flags} {op} {}, {}", args[0], args[1]),
        D::AtomicCas { flags, args, .. } => {
            write!(f, "{flags} {}, {}, {}", args[0], args[1], args[2])
        }
        D::StackLoad {
            stack_slot, offset, ..
        } => write!(f, " {stack_slot}{offset}"),
        D::StackStore {
            arg,
            stack_slot,
            offset,
            ..
        } => write!(f, " {arg}, {stack_slot}{offset}"),
        D::Call { func_ref, args, .. } => {
            write!(f, " {func_ref}(")?;
            write_values(f, args)?;
            f.write_char(')')
        }
        D::CallIndirect { sig_ref, args, .. } => {
            write!(f, " {sig_ref}, ")?;
            match args.split_first() {
                Some((callee, rest)) => {
                    write!(f, "{callee}(")?;
                    write_values(f, rest)?;
                    f.write_char(')')
                }
                None => f.write_str("?()"),
            }
        }
        D::FuncAddr { func_ref, .. } => write!(f, " {func_ref}"),
        D::Jump { destination, .. } => {
            f.write_char(' ')?;
            write_block_call(f, destination)
        }
        D::Brif { arg, blocks, .. } => {
            write!(f, " {arg}, ")?;
            write_block_call(f, &blocks[0])?;
            f.write_str(", ")?;
            write_block_call(f, &blocks[1])
        }
        D::BranchTable { arg, table, .. } => {
            write!(f, " {arg}, ")?;
            let Some(jt) = func.jump_tables.get(*table) else {
                return write!(f, "{table}");
            };
            write_block_call(f, &jt.default)?;
            f.write_str(", [")?;
            for (i, call) in jt.entries.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_block_call(f, call)?;
            }
            f.write_char(']')
        }
        D::Trap { code, .. } => write!(f, " {code}"),
        D::CondTrap { arg, code, .. } => write!(f, " {arg}, {code}"),
        D::MultiAry { args, .. } => {
            if !args.is_empty() {
                f.write_char(' ')?;
            }
            write_values(f, args)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::*;

    #[test]
    fn prints_canonical_clif() {
        let mut sig = Signature::new(CallConv::SystemV);
        sig.params.push(AbiParam::new(Type::I32));
        sig.returns.push(AbiParam::new(Type::I32));
        let mut func = Function::new(ExternalName::TestCase("f".into()), sig.clone());
        func.stack_slots.push(StackSlotData {
            size: 8,
            align_shift: 3,
        });
        let sig0 = func.sigs.push(sig);
        func.ext_funcs.push(ExtFuncData {
            name: ExternalName::TestCase("g".into()),
            signature: sig0,
            colocated: true,
        });
        let b0 = func.dfg.make_block();
        let b1 = func.dfg.make_block();
        func.layout.append_block(b0);
        func.layout.append_block(b1);
        func.layout.set_cold(b1, true);
        let v0 = func.dfg.append_block_param(b0, Type::I32);
        let p1 = func.dfg.append_block_param(b1, Type::I32);
        let add =
            |func: &mut Function, block, data, ctrl| func.append_inst(block, data, ctrl).unwrap();
        let c = add(
            &mut func,
            b0,
            InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm: Imm64(-7),
            },
            Some(Type::I32),
        );
        let c = func.dfg.inst_results(c)[0];
        let ov = add(
            &mut func,
            b0,
            InstructionData::Binary {
                opcode: Opcode::UaddOverflow,
                args: [v0, c],
            },
            Some(Type::I32),
        );
        let sum = func.dfg.inst_results(ov)[0];
        add(
            &mut func,
            b0,
            InstructionData::Brif {
                opcode: Opcode::Brif,
                arg: v0,
                blocks: [BlockCall::new(b1, &[sum]), BlockCall::new(b1, &[c])],
            },
            None,
        );
        let args = [p1].into_iter().collect();
        add(
            &mut func,
            b1,
            InstructionData::MultiAry {
                opcode: Opcode::Return,
                args,
            },
            None,
        );
        let want = "function %f(i32) -> i32 system_v {
    ss0 = explicit_slot 8, align = 8
    sig0 = (i32) -> i32 system_v
    fn0 = colocated %g sig0

block0(v0: i32):
    v2 = iconst.i32 -7
    v3, v4 = uadd_overflow v0, v2
    brif v0, block1(v3), block1(v2)

block1(v1: i32) cold:
    return v1
}
";
        assert_eq!(func.to_string(), want);
    }
}
