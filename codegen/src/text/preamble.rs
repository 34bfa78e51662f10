//! The function header and preamble: names, signatures and the `ss`/`gv`/`sig`/`fn`
//! declarations before the first block.
//!
//! Declarations are collected first and applied together, so that implicit
//! signatures (`fn0 = %g(i32)`) are numbered after every explicit `sigN` whatever the
//! order of the lines, and references between declarations may point forward.

use cranelift_entity::EntityRef;

use super::cursor::entity_number;
use super::lexer::{Tok, Token};
use super::parser::FuncParser;
use super::ParseError;
use crate::ir::{
    AbiParam, AnyEntity, ArgumentExtension, ArgumentPurpose, CallConv, ExtFuncData, ExternalName,
    FuncRef, GlobalValue, GlobalValueData, Imm64, SigRef, Signature, StackSlot, StackSlotData,
};

type PResult<T> = Result<T, ParseError>;

/// A preamble declaration, applied once the whole preamble has been read so that
/// implicit signatures (`fn0 = %g(i32)`) are numbered after every explicit `sigN`.
enum Decl<'a> {
    StackSlot(StackSlot, StackSlotData),
    GlobalValue(
        GlobalValue,
        GlobalValueData,
        Option<(GlobalValue, Token<'a>)>,
    ),
    Sig(SigRef, Signature),
    Func(FuncRef, ExternalName, bool, SigSpec<'a>),
}

enum SigSpec<'a> {
    Ref(SigRef, Token<'a>),
    Inline(Signature),
}

impl<'a> FuncParser<'_, 'a> {
    /// `%name` or `u<namespace>:<index>`.
    pub(super) fn external_name(&mut self, what: &str) -> PResult<ExternalName> {
        let t = self.cur.peek();
        match t.tok {
            Tok::Name => {
                let body = &t.text[1..];
                if !ExternalName::is_valid_testcase(body) {
                    return Err(
                        self.err(t, format!("expected a name after '%', found '{}'", t.text))
                    );
                }
                self.cur.bump();
                Ok(ExternalName::TestCase(body.to_string()))
            }
            Tok::Ident if entity_number(t.text, "u").is_some() => {
                self.cur.bump();
                let namespace = self.u32_of(t, &t.text[1..])?;
                self.cur.expect(Tok::Colon, "':' in user name 'uN:M'")?;
                let it = self.cur.expect(Tok::Number, "index in user name 'uN:M'")?;
                let index = self.u32_of(it, it.text)?;
                Ok(ExternalName::User { namespace, index })
            }
            _ => Err(self.cur.expected(what)),
        }
    }

    fn u32_of(&self, t: Token<'a>, text: &str) -> PResult<u32> {
        text.parse::<u32>().map_err(|_| {
            self.err(
                t,
                format!("expected a 32-bit unsigned integer, found '{text}'"),
            )
        })
    }

    /// `(params) [-> returns] [callconv]`.
    pub(super) fn signature(&mut self) -> PResult<Signature> {
        let mut sig = Signature::default();
        self.cur
            .expect(Tok::LPar, "'(' to start the parameter list")?;
        if !self.cur.eat(Tok::RPar) {
            loop {
                sig.params.push(self.abi_param(true)?);
                if self.cur.eat(Tok::RPar) {
                    break;
                }
                self.cur
                    .expect(Tok::Comma, "',' or ')' in parameter list")?;
            }
        }
        if self.cur.eat(Tok::Arrow) {
            loop {
                sig.returns.push(self.abi_param(false)?);
                if !self.cur.eat(Tok::Comma) {
                    break;
                }
            }
        }
        let t = self.cur.peek();
        if t.tok == Tok::Ident && self.cur.on_same_line() {
            sig.call_conv = CallConv::from_name(t.text)
                .ok_or_else(|| self.err(t, format!("unknown calling convention '{}'", t.text)))?;
            self.cur.bump();
        }
        Ok(sig)
    }

    /// A type with attributes. Outside parentheses (`in_parens == false`) a word
    /// that is not an attribute ends the parameter: it may be the calling convention.
    fn abi_param(&mut self, in_parens: bool) -> PResult<AbiParam> {
        let mut p = AbiParam::new(self.ty("parameter type")?);
        loop {
            let t = self.cur.peek();
            if t.tok != Tok::Ident || !self.cur.on_same_line() {
                return Ok(p);
            }
            match t.text {
                "uext" | "sext" if p.extension != ArgumentExtension::None => {
                    return Err(self.err(t, format!("second extension attribute '{}'", t.text)));
                }
                "uext" => p.extension = ArgumentExtension::Uext,
                "sext" => p.extension = ArgumentExtension::Sext,
                "vmctx" | "sret" if p.purpose != ArgumentPurpose::Normal => {
                    return Err(self.err(t, format!("second purpose attribute '{}'", t.text)));
                }
                "vmctx" => p.purpose = ArgumentPurpose::VMContext,
                "sret" => p.purpose = ArgumentPurpose::StructReturn,
                _ if in_parens => {
                    return Err(
                        self.err(t, format!("unsupported parameter attribute '{}'", t.text))
                    );
                }
                _ => return Ok(p),
            }
            self.cur.bump();
        }
    }

    /// Declarations before the first block.
    pub(super) fn preamble(&mut self) -> PResult<()> {
        let mut decls = Vec::new();
        loop {
            let t = self.cur.peek();
            if t.tok != Tok::Ident || self.cur.peek_at(1).tok != Tok::Equal {
                break;
            }
            let decl = self.declaration(t)?;
            let entity: AnyEntity = match &decl {
                Decl::StackSlot(e, _) => (*e).into(),
                Decl::GlobalValue(e, ..) => (*e).into(),
                Decl::Sig(e, _) => (*e).into(),
                Decl::Func(e, ..) => (*e).into(),
            };
            if !self.declared.insert(entity) {
                return Err(self.err(t, format!("{entity} is declared twice")));
            }
            self.entity_lines.push((t.line, entity));
            decls.push(decl);
        }
        self.apply_declarations(decls)
    }

    fn declaration(&mut self, t: Token<'a>) -> PResult<Decl<'a>> {
        for prefix in ["ss", "gv", "sig", "fn"] {
            let Some(n) = self.number(t, prefix) else {
                continue;
            };
            let n = n?;
            self.cur.bump(); // the entity
            self.cur.bump(); // '='
            return match prefix {
                "ss" => Ok(Decl::StackSlot(StackSlot::new(n), self.stack_slot_data()?)),
                "gv" => {
                    let (data, base) = self.global_value_data()?;
                    Ok(Decl::GlobalValue(GlobalValue::new(n), data, base))
                }
                "sig" => Ok(Decl::Sig(SigRef::new(n), self.signature()?)),
                _ => self.func_decl(FuncRef::new(n)),
            };
        }
        if t.text == "stack_limit" {
            return Err(self.err(
                t,
                "unsupported declaration 'stack_limit' (stack limits come from the VM context)"
                    .to_string(),
            ));
        }
        let unsupported = [
            ("jt", "jump table declarations are not supported (write the targets inline: br_table v0, block1, [block2, block3])"),
            ("const", "constant declarations are not supported"),
            ("dss", "dynamic stack slots are not supported"),
            ("dt", "dynamic types are not supported"),
            ("mt", "memory types are not supported"),
        ];
        for (prefix, msg) in unsupported {
            if entity_number(t.text, prefix).is_some() {
                return Err(self.err(t, format!("unsupported declaration '{}': {msg}", t.text)));
            }
        }
        Err(self.err(
            t,
            format!(
                "unsupported declaration '{}' (only ssN, gvN, sigN and fnN)",
                t.text
            ),
        ))
    }

    /// `[colocated] name sigN` or `[colocated] name(params) -> returns [callconv]`.
    fn func_decl(&mut self, r: FuncRef) -> PResult<Decl<'a>> {
        let colocated = self.cur.eat_word("colocated");
        let at = self.cur.peek();
        if at.tok == Tok::Ident && entity_number(at.text, "u").is_none() {
            return Err(self.err(at, format!("unsupported function attribute '{}'", at.text)));
        }
        let name = self.external_name("function name ('%name' or 'u0:1')")?;
        let spec = match self.cur.peek().tok {
            Tok::LPar => SigSpec::Inline(self.signature()?),
            _ => {
                let (n, st) = self.entity("sig", "signature ('sigN' or '(...)')")?;
                SigSpec::Ref(SigRef::new(n), st)
            }
        };
        Ok(Decl::Func(r, name, colocated, spec))
    }

    /// `explicit_slot SIZE [, align = N]`.
    fn stack_slot_data(&mut self) -> PResult<StackSlotData> {
        let t = self.cur.peek();
        if !self.cur.eat_word("explicit_slot") {
            if t.tok == Tok::Ident {
                return Err(self.err(
                    t,
                    format!(
                        "unsupported stack slot kind '{}' (only explicit_slot)",
                        t.text
                    ),
                ));
            }
            return Err(self.cur.expected("stack slot kind 'explicit_slot'"));
        }
        let st = self.cur.expect(Tok::Number, "stack slot size")?;
        let size = self.u32_of(st, st.text)?;
        let mut align_shift = 0;
        if self.cur.eat(Tok::Comma) {
            let at = self.cur.peek();
            if !self.cur.eat_word("align") {
                if at.tok == Tok::Ident {
                    return Err(
                        self.err(at, format!("unsupported stack slot option '{}'", at.text))
                    );
                }
                return Err(self.cur.expected("'align' after ','"));
            }
            self.cur.expect(Tok::Equal, "'=' after 'align'")?;
            let nt = self.cur.expect(Tok::Number, "alignment in bytes")?;
            let align = self.u32_of(nt, nt.text)?;
            if !align.is_power_of_two() {
                return Err(self.err(
                    nt,
                    format!("alignment must be a power of two, found {align}"),
                ));
            }
            align_shift = align.trailing_zeros() as u8;
        }
        Ok(StackSlotData { size, align_shift })
    }

    /// `vmctx`, `load.T flags gvN[+off]`, `iadd_imm.T gvN, imm` or
    /// `symbol [colocated] [tls] name[+off]`. Also returns the base it references.
    fn global_value_data(
        &mut self,
    ) -> PResult<(GlobalValueData, Option<(GlobalValue, Token<'a>)>)> {
        let t = self.cur.peek();
        if self.cur.eat_word("vmctx") {
            return Ok((GlobalValueData::VMContext, None));
        }
        if self.cur.eat_word("load") {
            self.cur.expect(Tok::Dot, "'.' and a type after 'load'")?;
            let global_type = self.ty("type after 'load.'")?;
            let flags = self.mem_flags()?;
            let (n, bt) = self.entity("gv", "base global value")?;
            let offset = self.offset32()?;
            let base = GlobalValue::new(n);
            return Ok((
                GlobalValueData::Load {
                    base,
                    offset,
                    global_type,
                    flags,
                },
                Some((base, bt)),
            ));
        }
        if self.cur.eat_word("iadd_imm") {
            self.cur
                .expect(Tok::Dot, "'.' and a type after 'iadd_imm'")?;
            let global_type = self.ty("type after 'iadd_imm.'")?;
            let (n, bt) = self.entity("gv", "base global value")?;
            self.cur.expect(Tok::Comma, "',' after base global value")?;
            let offset = self.imm64()?;
            let base = GlobalValue::new(n);
            return Ok((
                GlobalValueData::IAddImm {
                    base,
                    offset,
                    global_type,
                },
                Some((base, bt)),
            ));
        }
        if self.cur.eat_word("symbol") {
            let colocated = self.cur.eat_word("colocated");
            let tls = self.cur.eat_word("tls");
            let name = self.external_name("symbol name")?;
            let offset = Imm64(i64::from(self.offset32()?.0));
            return Ok((
                GlobalValueData::Symbol {
                    name,
                    offset,
                    colocated,
                    tls,
                },
                None,
            ));
        }
        if t.tok == Tok::Ident {
            return Err(self.err(t, format!("unsupported global value kind '{}'", t.text)));
        }
        Err(self
            .cur
            .expected("global value kind ('vmctx', 'load', 'iadd_imm', 'symbol')"))
    }

    fn apply_declarations(&mut self, decls: Vec<Decl<'a>>) -> PResult<()> {
        for d in &decls {
            if let Decl::Sig(r, sig) = d {
                while self.func.sigs.len() <= r.index() {
                    self.func.sigs.push(Signature::default());
                }
                self.func.sigs[*r] = sig.clone();
            }
        }
        for d in decls {
            match d {
                Decl::Sig(..) => {}
                Decl::StackSlot(r, data) => {
                    while self.func.stack_slots.len() <= r.index() {
                        self.func.stack_slots.push(StackSlotData::default());
                    }
                    self.func.stack_slots[r] = data;
                }
                Decl::GlobalValue(r, data, base) => {
                    if let Some((b, bt)) = base {
                        if !self.declared.contains(&b.into()) {
                            return Err(self.err(bt, format!("{b} is not declared")));
                        }
                    }
                    while self.func.global_values.len() <= r.index() {
                        self.func.global_values.push(GlobalValueData::VMContext);
                    }
                    self.func.global_values[r] = data;
                }
                Decl::Func(r, name, colocated, spec) => {
                    let signature = match spec {
                        SigSpec::Ref(s, st) => {
                            if !self.declared.contains(&s.into()) {
                                return Err(self.err(st, format!("{s} is not declared")));
                            }
                            s
                        }
                        SigSpec::Inline(sig) => {
                            let s = self.func.sigs.push(sig);
                            self.declared.insert(s.into());
                            s
                        }
                    };
                    while self.func.ext_funcs.len() <= r.index() {
                        self.func.ext_funcs.push(ExtFuncData {
                            name: ExternalName::default(),
                            signature,
                            colocated: false,
                        });
                    }
                    self.func.ext_funcs[r] = ExtFuncData {
                        name,
                        signature,
                        colocated,
                    };
                }
            }
        }
        // Placeholder functions created for holes point at a real signature; the
        // holes themselves are never referenced (they are not declared).
        Ok(())
    }
}
