//! Operand parsers, one per instruction format.

use smallvec::SmallVec;

use super::cursor::describe;
use super::lexer::Tok;
use super::parser::FuncParser;
use super::ParseError;
use crate::ir::{
    AtomicRmwOp, BlockCall, FloatCC, Ieee32, Ieee64, InstructionData as D, InstructionFormat as F,
    IntCC, JumpTableData, Opcode, TrapCode, Value, ValueList,
};

type PResult<T> = Result<T, ParseError>;

/// Cranelift opcodes this IR deliberately lacks (vector, exceptions, dynamic stack,
/// half/quad floats), so their use is reported as unsupported rather than unknown.
const UNSUPPORTED_OPCODES: &[&str] = &[
    "splat",
    "extractlane",
    "insertlane",
    "vconst",
    "shuffle",
    "swizzle",
    "x86_pshufb",
    "vall_true",
    "vany_true",
    "vhigh_bits",
    "swiden_low",
    "swiden_high",
    "uwiden_low",
    "uwiden_high",
    "snarrow",
    "unarrow",
    "uunarrow",
    "iadd_pairwise",
    "fvpromote_low",
    "fvdemote",
    "scalar_to_vector",
    "extract_vector",
    "sqmul_round_sat",
    "avg_round",
    "vselect",
    "try_call",
    "try_call_indirect",
    "f16const",
    "f128const",
    "dynamic_stack_addr",
    "dynamic_stack_load",
    "dynamic_stack_store",
    "stack_switch",
    "sequence_point",
    "x86_pmulhrsw",
    "x86_pmaddubsw",
    "x86_cvtt2dq",
    "x86_blendv",
    "get_exception_handler_address",
    "patchable_call",
];

/// Is `name` a Cranelift opcode this IR does not implement?
pub fn is_unsupported_opcode(name: &str) -> bool {
    UNSUPPORTED_OPCODES.contains(&name)
}

impl<'a> FuncParser<'_, 'a> {
    fn comma(&mut self, after: &str) -> PResult<()> {
        self.cur
            .expect(Tok::Comma, &format!("',' after {after}"))
            .map(|_| ())
    }

    fn two_values(&mut self) -> PResult<[Value; 2]> {
        let a = self.value_use("first operand")?;
        self.comma("first operand")?;
        let b = self.value_use("second operand")?;
        Ok([a, b])
    }

    fn three_values(&mut self) -> PResult<[Value; 3]> {
        let [a, b] = self.two_values()?;
        self.comma("second operand")?;
        let c = self.value_use("third operand")?;
        Ok([a, b, c])
    }

    /// `(v1, v2)`, the parentheses included.
    fn value_list(&mut self, what: &str) -> PResult<ValueList> {
        let mut out = ValueList::new();
        self.cur
            .expect(Tok::LPar, &format!("'(' to start the {what}"))?;
        if self.cur.eat(Tok::RPar) {
            return Ok(out);
        }
        loop {
            out.push(self.value_use("argument value")?);
            if self.cur.eat(Tok::RPar) {
                return Ok(out);
            }
            self.cur
                .expect(Tok::Comma, &format!("',' or ')' in {what}"))?;
        }
    }

    /// `blockN` or `blockN(v1, v2)`.
    fn block_call(&mut self, what: &str) -> PResult<BlockCall> {
        let block = self.block_use(what)?;
        let args = if self.cur.peek().tok == Tok::LPar {
            self.value_list("block arguments")?
        } else {
            SmallVec::new()
        };
        Ok(BlockCall { block, args })
    }

    fn trap_code(&mut self) -> PResult<TrapCode> {
        let t = self.cur.peek();
        if t.tok != Tok::Ident {
            return Err(self.cur.expected("trap code"));
        }
        let code = t
            .text
            .parse::<TrapCode>()
            .map_err(|_| self.err(t, format!("unknown trap code '{}'", t.text)))?;
        self.cur.bump();
        Ok(code)
    }

    fn cond_word<C>(&mut self, what: &str, parse: fn(&str) -> Option<C>) -> PResult<C> {
        let t = self.cur.peek();
        if t.tok != Tok::Ident {
            return Err(self.cur.expected(what));
        }
        let c = parse(t.text).ok_or_else(|| self.err(t, format!("unknown {what} '{}'", t.text)))?;
        self.cur.bump();
        Ok(c)
    }

    /// Float text: a number word, or `NaN`/`Inf`/`sNaN`, with an optional `:payload`.
    fn float_text(&mut self) -> PResult<(String, super::lexer::Token<'a>)> {
        let t = self.cur.peek();
        if !matches!(t.tok, Tok::Number | Tok::Ident) {
            return Err(self.cur.expected("float immediate"));
        }
        self.cur.bump();
        let mut text = t.text.to_string();
        if self.cur.peek().tok == Tok::Colon && text.contains("NaN") {
            self.cur.bump();
            let p = self.cur.expect(Tok::Number, "NaN payload after ':'")?;
            text.push(':');
            text.push_str(p.text);
        }
        Ok((text, t))
    }

    /// The operands of `opcode`, per its format.
    pub(super) fn operands(&mut self, opcode: Opcode) -> PResult<D> {
        Ok(match opcode.format() {
            F::Nullary => D::Nullary { opcode },
            F::Unary => D::Unary {
                opcode,
                arg: self.value_use("operand")?,
            },
            F::UnaryImm => D::UnaryImm {
                opcode,
                imm: self.imm64()?,
            },
            F::UnaryIeee32 => {
                let (text, t) = self.float_text()?;
                let imm =
                    Ieee32::parse(&text).map_err(|e| self.err(t, format!("{e}: '{text}'")))?;
                D::UnaryIeee32 { opcode, imm }
            }
            F::UnaryIeee64 => {
                let (text, t) = self.float_text()?;
                let imm =
                    Ieee64::parse(&text).map_err(|e| self.err(t, format!("{e}: '{text}'")))?;
                D::UnaryIeee64 { opcode, imm }
            }
            F::UnaryGlobalValue => D::UnaryGlobalValue {
                opcode,
                global_value: self.declared_ref("gv", "global value")?,
            },
            F::Binary => D::Binary {
                opcode,
                args: self.two_values()?,
            },
            F::BinaryImm64 => {
                let arg = self.value_use("operand")?;
                self.comma("first operand")?;
                D::BinaryImm64 {
                    opcode,
                    arg,
                    imm: self.imm64()?,
                }
            }
            F::Ternary => D::Ternary {
                opcode,
                args: self.three_values()?,
            },
            F::IntCompare => {
                let cond = self.cond_word("integer condition code", IntCC::from_name)?;
                D::IntCompare {
                    opcode,
                    cond,
                    args: self.two_values()?,
                }
            }
            F::IntCompareImm => {
                let cond = self.cond_word("integer condition code", IntCC::from_name)?;
                let arg = self.value_use("operand")?;
                self.comma("first operand")?;
                D::IntCompareImm {
                    opcode,
                    cond,
                    arg,
                    imm: self.imm64()?,
                }
            }
            F::FloatCompare => {
                let cond = self.cond_word("float condition code", FloatCC::from_name)?;
                D::FloatCompare {
                    opcode,
                    cond,
                    args: self.two_values()?,
                }
            }
            F::IntAddTrap => {
                let args = self.two_values()?;
                self.comma("second operand")?;
                D::IntAddTrap {
                    opcode,
                    args,
                    code: self.trap_code()?,
                }
            }
            F::Load => {
                let flags = self.mem_flags()?;
                let arg = self.value_use("address")?;
                D::Load {
                    opcode,
                    flags,
                    arg,
                    offset: self.offset32()?,
                }
            }
            F::Store => {
                let flags = self.mem_flags()?;
                let x = self.value_use("stored value")?;
                self.comma("stored value")?;
                let p = self.value_use("address")?;
                D::Store {
                    opcode,
                    flags,
                    args: [x, p],
                    offset: self.offset32()?,
                }
            }
            F::LoadNoOffset => {
                let flags = self.mem_flags()?;
                D::LoadNoOffset {
                    opcode,
                    flags,
                    arg: self.value_use("operand")?,
                }
            }
            F::StoreNoOffset => {
                let flags = self.mem_flags()?;
                D::StoreNoOffset {
                    opcode,
                    flags,
                    args: self.two_values()?,
                }
            }
            F::AtomicRmw => {
                let flags = self.mem_flags()?;
                let op = self.cond_word("atomic operation", AtomicRmwOp::from_name)?;
                D::AtomicRmw {
                    opcode,
                    flags,
                    op,
                    args: self.two_values()?,
                }
            }
            F::AtomicCas => {
                let flags = self.mem_flags()?;
                D::AtomicCas {
                    opcode,
                    flags,
                    args: self.three_values()?,
                }
            }
            F::StackLoad => {
                let stack_slot = self.declared_ref("ss", "stack slot")?;
                D::StackLoad {
                    opcode,
                    stack_slot,
                    offset: self.offset32()?,
                }
            }
            F::StackStore => {
                let arg = self.value_use("stored value")?;
                self.comma("stored value")?;
                let stack_slot = self.declared_ref("ss", "stack slot")?;
                D::StackStore {
                    opcode,
                    arg,
                    stack_slot,
                    offset: self.offset32()?,
                }
            }
            F::Call => {
                let func_ref = self.declared_ref("fn", "function reference ('fnN')")?;
                D::Call {
                    opcode,
                    func_ref,
                    args: self.value_list("argument list")?,
                }
            }
            F::CallIndirect => {
                let sig_ref = self.declared_ref("sig", "signature reference ('sigN')")?;
                self.comma("signature")?;
                let callee = self.value_use("callee value")?;
                let mut args = self.value_list("argument list")?;
                args.insert(0, callee);
                D::CallIndirect {
                    opcode,
                    sig_ref,
                    args,
                }
            }
            F::FuncAddr => D::FuncAddr {
                opcode,
                func_ref: self.declared_ref("fn", "function reference ('fnN')")?,
            },
            F::Jump => D::Jump {
                opcode,
                destination: self.block_call("destination block")?,
            },
            F::Brif => {
                let arg = self.value_use("condition")?;
                self.comma("condition")?;
                let then = self.block_call("block taken when non-zero")?;
                self.comma("first destination")?;
                let els = self.block_call("block taken when zero")?;
                D::Brif {
                    opcode,
                    arg,
                    blocks: [then, els],
                }
            }
            F::BranchTable => {
                let arg = self.value_use("index")?;
                self.comma("index")?;
                let t = self.cur.peek();
                if t.tok == Tok::Ident && super::cursor::entity_number(t.text, "jt").is_some() {
                    return Err(self.err(
                        t,
                        format!("unsupported jump table reference '{}' (write the targets inline: br_table v, block, [block, ...])", t.text),
                    ));
                }
                let default = self.block_call("default block")?;
                self.comma("default block")?;
                self.cur
                    .expect(Tok::LBracket, "'[' to start the jump table")?;
                let mut entries = Vec::new();
                if !self.cur.eat(Tok::RBracket) {
                    loop {
                        entries.push(self.block_call("jump table entry")?);
                        if self.cur.eat(Tok::RBracket) {
                            break;
                        }
                        self.cur.expect(Tok::Comma, "',' or ']' in jump table")?;
                    }
                }
                let table = self
                    .func
                    .jump_tables
                    .push(JumpTableData { default, entries });
                D::BranchTable { opcode, arg, table }
            }
            F::Trap => D::Trap {
                opcode,
                code: self.trap_code()?,
            },
            F::CondTrap => {
                let arg = self.value_use("condition")?;
                self.comma("condition")?;
                D::CondTrap {
                    opcode,
                    arg,
                    code: self.trap_code()?,
                }
            }
            F::MultiAry => {
                let mut args = ValueList::new();
                // Values must start on the opcode's line: the next line begins
                // another instruction or block.
                if self.cur.on_same_line() {
                    loop {
                        args.push(self.value_use("value")?);
                        if !self.cur.eat(Tok::Comma) {
                            break;
                        }
                    }
                }
                if self.cur.on_same_line() {
                    let t = self.cur.peek();
                    return Err(self.err(
                        t,
                        format!("expected ',' or end of line, found {}", describe(t)),
                    ));
                }
                D::MultiAry { opcode, args }
            }
        })
    }
}
