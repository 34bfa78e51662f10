//! Parsing one `function ... { ... }`: blocks and instructions (the header and
//! preamble are in [`super::preamble`]).
//!
//! Numbers written in the text are kept: `v10` becomes `Value(10)`, `block3`
//! becomes `Block(3)`, `ss1` becomes `StackSlot(1)`; holes are filled with unused
//! value numbers, empty blocks that are not laid out, or placeholder declarations
//! (`ss0 = explicit_slot 0`), so printing the result names everything the same way.
//!
//! Values may be used before the line that defines them (CLIF text order is not
//! dominance order); every use is checked against a definition once the whole
//! function has been read. A polymorphic instruction whose type-giving operand is
//! not defined yet needs an explicit type suffix, as in Cranelift.

use std::collections::{BTreeMap, HashMap, HashSet};

use cranelift_entity::EntityRef;

use super::cursor::{describe, entity_number, error_at, Cursor, MAX_ENTITY_NUMBER};
use super::lexer::{Tok, Token};
use super::ParseError;
use crate::ir::{
    AnyEntity, AtomicRmwOp, AttachError, Block, Ctrl, Function, Imm64, Inst, MemFlags, Offset32,
    Opcode, ResultTypeError, Type, Value,
};

type PResult<T> = Result<T, ParseError>;

/// A parsed function with the source positions the test-file layer needs.
pub struct ParsedFunction {
    /// The function.
    pub func: Function,
    /// Line of the `function` keyword.
    pub line: u32,
    /// Line of the closing `}`.
    pub end_line: u32,
    /// The line on which each entity is declared or defined, in source order.
    pub entity_lines: Vec<(u32, AnyEntity)>,
}

/// Function parser state. Fields are shared with the operand parsers in
/// [`super::operands`].
pub(super) struct FuncParser<'c, 'a> {
    pub(super) cur: &'c mut Cursor<'a>,
    pub(super) func: Function,
    pub(super) declared: HashSet<AnyEntity>,
    defined_blocks: HashSet<Block>,
    /// Every value use, checked against definitions at the end.
    pub(super) value_refs: Vec<(Value, Token<'a>)>,
    /// Every block use, checked against headers at the end.
    pub(super) block_refs: Vec<(Block, Token<'a>)>,
    /// Type suffixes given for operands not yet defined: (operand, suffix type, token).
    suffix_checks: Vec<(Value, Type, Token<'a>)>,
    /// `v12 -> v1` lines: alias to its target; uses are rewritten at the end.
    aliases: BTreeMap<Value, (Value, Token<'a>)>,
    pub(super) entity_lines: Vec<(u32, AnyEntity)>,
}

/// Parse a function starting at the `function` keyword.
pub fn parse_function<'a>(cur: &mut Cursor<'a>) -> PResult<ParsedFunction> {
    let kw = cur.peek();
    if !cur.eat_word("function") {
        return Err(cur.expected("'function'"));
    }
    let mut p = FuncParser {
        cur,
        func: Function::default(),
        declared: HashSet::new(),
        defined_blocks: HashSet::new(),
        value_refs: Vec::new(),
        block_refs: Vec::new(),
        suffix_checks: Vec::new(),
        aliases: BTreeMap::new(),
        entity_lines: vec![(kw.line, AnyEntity::Function)],
    };
    p.func.name = p.external_name("function name ('%name' or 'u0:1')")?;
    p.func.signature = p.signature()?;
    p.cur
        .expect(Tok::LBrace, "'{' to start the function body")?;
    p.preamble()?;
    while p.cur.peek().tok != Tok::RBrace {
        p.block()?;
    }
    let end = p.cur.bump();
    p.final_checks()?;
    Ok(ParsedFunction {
        func: p.func,
        line: kw.line,
        end_line: end.line,
        entity_lines: p.entity_lines,
    })
}

/// Is `text` a vector type name such as `i8x16`, `f32x4` or `i32x4xN`?
fn is_vector_type(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(['i', 'f']) else {
        return false;
    };
    let mut parts = rest.split('x');
    let lane = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let count = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    lane && count && parts.all(|p| p == "N")
}

impl<'c, 'a> FuncParser<'c, 'a> {
    pub(super) fn err(&self, t: Token<'a>, message: String) -> ParseError {
        error_at(t, message)
    }

    /// A type; `what` describes the position for the "expected" message.
    pub(super) fn ty(&mut self, what: &str) -> PResult<Type> {
        let t = self.cur.peek();
        if t.tok == Tok::Ident {
            if let Some(ty) = Type::from_name(t.text) {
                self.cur.bump();
                return Ok(ty);
            }
            if is_vector_type(t.text) {
                return Err(self.err(
                    t,
                    format!(
                        "unsupported type {} (vector types are not implemented)",
                        t.text
                    ),
                ));
            }
            let old_style = t.text.len() > 1
                && t.text.starts_with(['b', 'r', 'i', 'f'])
                && t.text[1..].bytes().all(|b| b.is_ascii_digit());
            if old_style || t.text == "iflags" || t.text == "fflags" {
                return Err(self.err(
                    t,
                    format!(
                        "unsupported type {} (only i8 i16 i32 i64 i128 f32 f64 are implemented)",
                        t.text
                    ),
                ));
            }
        }
        Err(self.cur.expected(what))
    }

    /// An entity number from an identifier with `prefix`, within the size limit.
    pub(super) fn number(&self, t: Token<'a>, prefix: &str) -> Option<PResult<usize>> {
        if t.tok != Tok::Ident {
            return None;
        }
        let n = entity_number(t.text, prefix)?;
        if n > u64::from(MAX_ENTITY_NUMBER) {
            return Some(Err(self.err(
                t,
                format!(
                    "entity number too large in '{}' (limit {MAX_ENTITY_NUMBER})",
                    t.text
                ),
            )));
        }
        Some(Ok(n as usize))
    }

    /// An entity reference `prefixN`, consumed; `what` names it in errors.
    pub(super) fn entity(&mut self, prefix: &str, what: &str) -> PResult<(usize, Token<'a>)> {
        let t = self.cur.peek();
        match self.number(t, prefix) {
            Some(n) => {
                self.cur.bump();
                Ok((n?, t))
            }
            None => Err(self.cur.expected(what)),
        }
    }

    /// A value use (`v3`), recorded for the end-of-function definition check.
    pub(super) fn value_use(&mut self, what: &str) -> PResult<Value> {
        let (n, t) = self.entity("v", what)?;
        let v = Value::new(n);
        self.value_refs.push((v, t));
        Ok(v)
    }

    /// A block use (`block3`), recorded for the end-of-function check.
    pub(super) fn block_use(&mut self, what: &str) -> PResult<Block> {
        let (n, t) = self.entity("block", what)?;
        let b = Block::new(n);
        self.func.dfg.ensure_block(b);
        self.block_refs.push((b, t));
        Ok(b)
    }

    /// A reference to a declared preamble entity.
    pub(super) fn declared_ref<E: EntityRef + Into<AnyEntity>>(
        &mut self,
        prefix: &str,
        what: &str,
    ) -> PResult<E> {
        let (n, t) = self.entity(prefix, what)?;
        let e = E::new(n);
        if !self.declared.contains(&e.into()) {
            return Err(self.err(t, format!("{} is not declared", t.text)));
        }
        Ok(e)
    }

    /// Memory flags (possibly none).
    pub(super) fn mem_flags(&mut self) -> PResult<MemFlags> {
        let mut flags = MemFlags::new();
        loop {
            let t = self.cur.peek();
            if t.tok != Tok::Ident || !MemFlags::is_flag_name(t.text) {
                // A word directly before the first value operand is a misspelt flag,
                // unless it is the operation of an `atomic_rmw`.
                let next = self.cur.peek_at(1);
                let before_value =
                    next.tok == Tok::Ident && entity_number(next.text, "v").is_some();
                let word = t.tok == Tok::Ident
                    && entity_number(t.text, "v").is_none()
                    && AtomicRmwOp::from_name(t.text).is_none();
                if word && before_value {
                    return Err(self.err(t, format!("unknown memory flag '{}'", t.text)));
                }
                return Ok(flags);
            }
            flags
                .set_by_name(t.text)
                .map_err(|_| self.err(t, format!("conflicting memory flag '{}'", t.text)))?;
            self.cur.bump();
        }
    }

    /// An optional `+N`/`-N` offset.
    pub(super) fn offset32(&mut self) -> PResult<Offset32> {
        let t = self.cur.peek();
        if t.tok != Tok::Number || !t.text.starts_with(['+', '-']) {
            return Ok(Offset32(0));
        }
        self.cur.bump();
        let v = crate::ir::parse_int(t.text)
            .ok()
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| self.err(t, format!("offset out of 32-bit range: '{}'", t.text)))?;
        Ok(Offset32(v))
    }

    /// An integer immediate.
    pub(super) fn imm64(&mut self) -> PResult<Imm64> {
        let t = self.cur.peek();
        if t.tok != Tok::Number {
            return Err(self.cur.expected("integer immediate"));
        }
        self.cur.bump();
        match crate::ir::parse_int(t.text) {
            Ok(v) => Ok(Imm64(v)),
            Err(crate::ir::IntError::Overflow) => {
                Err(self.err(t, format!("integer immediate out of range: '{}'", t.text)))
            }
            Err(crate::ir::IntError::Malformed) => {
                Err(self.err(t, format!("malformed integer immediate '{}'", t.text)))
            }
        }
    }

    /// `blockN[(vN: T, ...)] [cold]:` followed by instructions.
    fn block(&mut self) -> PResult<()> {
        let t = self.cur.peek();
        let (n, _) = self.entity("block", "block header ('blockN:') or '}'")?;
        let block = Block::new(n);
        self.func.dfg.ensure_block(block);
        if !self.defined_blocks.insert(block) {
            return Err(self.err(t, format!("{block} is defined twice")));
        }
        self.func.layout.append_block(block);
        self.entity_lines.push((t.line, block.into()));
        if self.cur.eat(Tok::LPar) && !self.cur.eat(Tok::RPar) {
            loop {
                let (vn, vt) = self.entity("v", "block parameter ('vN: type')")?;
                self.cur.expect(Tok::Colon, "':' after block parameter")?;
                let ty = self.ty("block parameter type")?;
                let v = Value::new(vn);
                self.func
                    .dfg
                    .attach_block_param(block, v, ty)
                    .map_err(|e| self.attach_error(vt, v, e))?;
                if self.cur.eat(Tok::RPar) {
                    break;
                }
                self.cur
                    .expect(Tok::Comma, "',' or ')' in block parameter list")?;
            }
        }
        if self.cur.eat_word("cold") {
            self.func.layout.set_cold(block, true);
        }
        self.cur.expect(Tok::Colon, "':' after block header")?;
        loop {
            let t = self.cur.peek();
            let at_block = t.tok == Tok::Ident && entity_number(t.text, "block").is_some();
            if at_block || t.tok == Tok::RBrace {
                return Ok(());
            }
            if t.tok == Tok::Eof {
                return Err(self.cur.expected("'}' to close the function"));
            }
            self.instruction(block)?;
        }
    }

    fn attach_error(&self, t: Token<'a>, v: Value, e: AttachError) -> ParseError {
        match e {
            AttachError::AlreadyDefined => self.err(t, format!("{v} is defined twice")),
            AttachError::TooMany => self.err(t, "too many values on one entity".to_string()),
        }
    }

    /// `[vN, ... =] opcode[.type] operands` on one line.
    fn instruction(&mut self, block: Block) -> PResult<()> {
        let start = self.cur.peek();
        let mut results: Vec<(Value, Token<'a>)> = Vec::new();
        if self.number(start, "v").is_some() && self.cur.peek_at(1).tok == Tok::Arrow {
            return self.alias();
        }
        if self.number(start, "v").is_some() {
            loop {
                let (n, t) = self.entity("v", "result value")?;
                results.push((Value::new(n), t));
                if self.cur.eat(Tok::Equal) {
                    break;
                }
                self.cur
                    .expect(Tok::Comma, "',' or '=' after result value")?;
            }
        }
        let ot = self.cur.peek();
        if ot.tok != Tok::Ident {
            return Err(self.cur.expected("opcode"));
        }
        let opcode = match Opcode::from_name(ot.text) {
            Some(op) => op,
            None if super::operands::is_unsupported_opcode(ot.text) => {
                return Err(self.err(
                    ot,
                    format!("unsupported opcode '{}' (vector, exception and dynamic-stack opcodes are not implemented)", ot.text),
                ))
            }
            None => return Err(self.err(ot, format!("unknown opcode '{}'", ot.text))),
        };
        self.cur.bump();
        let suffix = if self.cur.eat(Tok::Dot) {
            let st = self.cur.peek();
            Some((self.ty("type suffix after '.'")?, st))
        } else {
            None
        };
        let data = self.operands(opcode)?;
        let ctrl = self.ctrl_type(opcode, &data, suffix, ot)?;
        let types = self.func.result_types(&data, ctrl).map_err(|e| match e {
            ResultTypeError::MissingCtrlType => self.err(
                ot,
                format!("'{opcode}' needs a type suffix (e.g. '{opcode}.i32')"),
            ),
            ResultTypeError::BadCtrlType(t) => {
                self.err(ot, format!("type {t} is not allowed for '{opcode}'"))
            }
            ResultTypeError::UnknownCallee => {
                self.err(ot, format!("'{opcode}' names an undeclared callee"))
            }
        })?;
        if types.len() != results.len() {
            let t = results.first().map_or(ot, |r| r.1);
            return Err(self.err(
                t,
                format!(
                    "'{opcode}' has {} result(s) but {} value(s) are named",
                    types.len(),
                    results.len()
                ),
            ));
        }
        let inst: Inst = self.func.dfg.make_inst(data);
        for ((v, t), ty) in results.into_iter().zip(types) {
            self.func
                .dfg
                .attach_inst_result(inst, v, ty)
                .map_err(|e| self.attach_error(t, v, e))?;
        }
        self.func.layout.append_inst(inst, block);
        self.entity_lines.push((start.line, inst.into()));
        if self.cur.on_same_line() {
            let t = self.cur.peek();
            return Err(self.err(
                t,
                format!(
                    "expected end of line after instruction, found {}",
                    describe(t)
                ),
            ));
        }
        Ok(())
    }

    /// `vN -> vM`: uses of `vN` mean `vM` (resolved when the function ends, so the
    /// printed form names `vM` directly).
    fn alias(&mut self) -> PResult<()> {
        let (n, t) = self.entity("v", "alias value")?;
        self.cur.bump();
        let target = self.value_use("alias target value")?;
        let v = Value::new(n);
        self.func.dfg.ensure_value(v);
        if self.func.dfg.value_is_valid(v) || self.aliases.insert(v, (target, t)).is_some() {
            return Err(self.err(t, format!("{v} is defined twice")));
        }
        if self.cur.on_same_line() {
            let t = self.cur.peek();
            return Err(self.err(
                t,
                format!("expected end of line after alias, found {}", describe(t)),
            ));
        }
        Ok(())
    }

    /// Follow aliases from `v`; `None` on a cycle.
    fn resolve(&self, mut v: Value) -> Option<Value> {
        for _ in 0..=self.aliases.len() {
            match self.aliases.get(&v) {
                Some(&(t, _)) => v = t,
                None => return Some(v),
            }
        }
        None
    }

    /// The type of `v`, seen through aliases.
    fn value_type(&self, v: Value) -> Option<Type> {
        self.resolve(v).and_then(|v| self.func.dfg.value_type(v))
    }

    /// Replace every use of an alias by its target.
    fn rewrite_aliases(&mut self) -> PResult<()> {
        if self.aliases.is_empty() {
            return Ok(());
        }
        let mut map = HashMap::new();
        for (&a, &(_, t)) in &self.aliases {
            let target = self
                .resolve(a)
                .ok_or_else(|| self.err(t, format!("alias cycle through {a}")))?;
            map.insert(a, target);
        }
        let fix = |v: &mut Value| {
            if let Some(&t) = map.get(v) {
                *v = t;
            }
        };
        let insts: Vec<Inst> = self.func.dfg.insts().map(|(i, _)| i).collect();
        for inst in insts {
            let data = &mut self.func.dfg[inst];
            data.args_mut().iter_mut().for_each(fix);
            for call in data.branch_calls_mut() {
                call.args.iter_mut().for_each(fix);
            }
        }
        for jt in self.func.jump_tables.values_mut() {
            for call in jt.all_branches_mut() {
                call.args.iter_mut().for_each(fix);
            }
        }
        for r in &mut self.value_refs {
            fix(&mut r.0);
        }
        for r in &mut self.suffix_checks {
            fix(&mut r.0);
        }
        Ok(())
    }

    /// The controlling type from the suffix or the type-giving operand.
    fn ctrl_type(
        &mut self,
        opcode: Opcode,
        data: &crate::ir::InstructionData,
        suffix: Option<(Type, Token<'a>)>,
        ot: Token<'a>,
    ) -> PResult<Option<Type>> {
        match opcode.info().ctrl {
            Ctrl::None => match suffix {
                Some((_, st)) => Err(self.err(st, format!("'{opcode}' takes no type suffix"))),
                None => Ok(None),
            },
            Ctrl::Explicit => Ok(suffix.map(|s| s.0)),
            Ctrl::Operand(n) => {
                let Some(&arg) = data.args().get(usize::from(n)) else {
                    return Ok(suffix.map(|s| s.0));
                };
                match (self.value_type(arg), suffix) {
                    (Some(t), None) => Ok(Some(t)),
                    (Some(t), Some((s, st))) if s != t => {
                        Err(self.err(st, format!("type suffix .{s} does not match {arg}: {t}")))
                    }
                    (Some(t), Some(_)) => Ok(Some(t)),
                    (None, Some((s, st))) => {
                        self.suffix_checks.push((arg, s, st));
                        Ok(Some(s))
                    }
                    (None, None) => Err(self.err(
                        ot,
                        format!("cannot infer the type of '{opcode}': {arg} is not defined yet (write '{opcode}.<type>')"),
                    )),
                }
            }
        }
    }

    fn final_checks(&mut self) -> PResult<()> {
        self.rewrite_aliases()?;
        for &(v, t) in &self.value_refs {
            if !self.func.dfg.value_is_valid(v) {
                return Err(self.err(t, format!("{v} is used but never defined")));
            }
        }
        for &(b, t) in &self.block_refs {
            if !self.defined_blocks.contains(&b) {
                return Err(self.err(t, format!("{b} is used but never defined")));
            }
        }
        for &(v, s, t) in &self.suffix_checks {
            if let Some(vt) = self.func.dfg.value_type(v) {
                if vt != s {
                    return Err(self.err(t, format!("type suffix .{s} does not match {v}: {vt}")));
                }
            }
        }
        Ok(())
    }
}
