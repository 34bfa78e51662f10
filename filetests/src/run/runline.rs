//! `; run:` lines: their syntax, typed values, and how results are compared.
//!
//! Forms accepted (the Cranelift ones found in `../shared/corpus/clif-runtests`):
//!
//! ```text
//! ; run: %f(1, -2) == 3          results must equal the values (bitwise, see below)
//! ; run: %f(0x1.8p3, NaN) != 4   results must differ from the values
//! ; run: %f(1, 2) == [1, 2]      multi-value results
//! ; run: %f(7)                   the one result (an `i8`) must be non-zero ("true")
//! ; run                          call the function the line follows, no arguments,
//!                                result must be non-zero
//! ```
//!
//! Literals are typed by the callee's signature: integers are decimal or `0x` hex with
//! `_` separators and must fit the type as a signed or an unsigned number; floats use
//! the CLIF float syntax (`0x1.8p3`, `1.5`, `+Inf`, `-NaN:0x1`, `sNaN:0x1`, ...).
//!
//! Comparison follows Cranelift's run-test rule: values are compared **bit for bit**
//! in the width of their type, NaNs included. `NaN` and `+NaN` stand for the quiet NaN
//! with an empty payload (`0x7fc00000` as `f32`); a test that accepts any NaN calls an
//! `is_nan` helper instead, as the corpus does. So a backend that returns a NaN with
//! another payload or sign fails the line: that difference is observable by wasm code.
//!
//! Invariant: parsing never panics; every rejected line is a [`RunLineError`] with the
//! 1-based line and column of the offending text.

use core::fmt;

use atoll_codegen::ir::{parse_int, Ieee32, Ieee64, IntError, Signature, Type};

/// A syntax or typing error in a run line, with its position in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLineError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for RunLineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for RunLineError {}

/// A literal as written, with the column where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub text: String,
    pub column: u32,
}

/// `==` or `!=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Equals,
    NotEquals,
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Comparison::Equals => "==",
            Comparison::NotEquals => "!=",
        })
    }
}

/// What a run line checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// Compare all results with these values.
    Compare(Comparison, Vec<Literal>),
    /// The single result must be non-zero (`; run: %f(..)` and `; run`).
    True,
}

/// One parsed run line (untyped: literals are typed against the callee later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLine {
    pub line: u32,
    /// Column of the `run` keyword.
    pub column: u32,
    /// The callee's name without `%`; `None` for the bare `; run` form, which calls
    /// the function the comment follows.
    pub func: Option<String>,
    pub args: Vec<Literal>,
    pub expect: Expectation,
    /// The directive as written after `run:` (for reports).
    pub text: String,
}

/// A typed value: `bits` holds the value in the low `ty.bits()` bits, the rest zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataValue {
    pub ty: Type,
    pub bits: u64,
}

impl DataValue {
    /// The value's bytes as the trampoline's 16-byte slot holds them (little-endian,
    /// the byte order of all our targets).
    pub fn to_slot(self) -> [u8; 16] {
        let mut slot = [0u8; 16];
        slot[..8].copy_from_slice(&self.bits.to_le_bytes());
        slot
    }

    /// Reads a value of type `ty` from a slot (bits above the type's width ignored).
    pub fn from_slot(ty: Type, slot: &[u8]) -> DataValue {
        let mut b = [0u8; 8];
        let n = slot.len().min(8);
        b[..n].copy_from_slice(&slot[..n]);
        DataValue {
            ty,
            bits: u64::from_le_bytes(b) & mask(ty),
        }
    }
}

impl fmt::Display for DataValue {
    /// Integers in decimal (signed) with hex when it helps; floats in CLIF syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ty {
            Type::F32 => write!(f, "{}", Ieee32(self.bits as u32)),
            Type::F64 => write!(f, "{}", Ieee64(self.bits)),
            ty => {
                let shift = 64 - ty.bits().min(64);
                let signed = ((self.bits << shift) as i64) >> shift;
                if (-9..=9).contains(&signed) {
                    write!(f, "{signed}")
                } else {
                    write!(f, "{signed} ({:#x})", self.bits)
                }
            }
        }
    }
}

fn mask(ty: Type) -> u64 {
    match ty.bits() {
        b if b >= 64 => u64::MAX,
        b => (1u64 << b) - 1,
    }
}

/// Recognizes a run directive in a comment's text (what follows the `;`).
///
/// `text_column` is the column of the comment text's first character. Returns
/// `Ok(None)` when the comment is not a run line (`; running total`, prose).
pub fn parse_run_comment(
    text: &str,
    line: u32,
    text_column: u32,
) -> Result<Option<RunLine>, RunLineError> {
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    let Some(after) = rest.strip_prefix("run") else {
        return Ok(None);
    };
    let column = text_column + col(&text[..lead]);
    let after_trim = after.trim();
    if after_trim.is_empty() {
        return Ok(Some(RunLine {
            line,
            column,
            func: None,
            args: Vec::new(),
            expect: Expectation::True,
            text: String::new(),
        }));
    }
    let Some(body) = after.strip_prefix(':') else {
        // `; running ...`, `; run-time ...`: prose, not a directive.
        return Ok(None);
    };
    let body_column = text_column + col(&text[..lead + 4]);
    let mut p = Parser {
        s: body,
        pos: 0,
        line,
        base: body_column,
    };
    let parsed = p.directive()?;
    Ok(Some(RunLine {
        line,
        column,
        text: body.trim().to_string(),
        ..parsed
    }))
}

/// Width of `s` in columns (characters).
fn col(s: &str) -> u32 {
    u32::try_from(s.chars().count()).unwrap_or(u32::MAX)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    line: u32,
    /// Column of `s`'s first character.
    base: u32,
}

impl Parser<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> RunLineError {
        RunLineError {
            line: self.line,
            column: self.base + col(&self.s[..at]),
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.s[self.pos..].starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str, what: &str) -> Result<(), RunLineError> {
        if self.eat(token) {
            return Ok(());
        }
        let found = self.s[self.pos..]
            .chars()
            .next()
            .map_or("end of line".to_string(), |c| format!("`{c}`"));
        Err(self.err(self.pos, format!("expected {what}, found {found}")))
    }

    /// `%name(args) [op results]`
    fn directive(&mut self) -> Result<RunLine, RunLineError> {
        self.skip_ws();
        if !self.eat("%") {
            return Err(self.err(self.pos, "expected `%name(...)` after `run:`"));
        }
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'))
        {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err(start, "expected a function name after `%`"));
        }
        let func = self.s[start..self.pos].to_string();
        self.expect("(", "`(` after the function name")?;
        let args = self.list(")")?;
        self.skip_ws();
        let expect = if self.pos == self.s.len() {
            Expectation::True
        } else {
            let op = if self.eat("==") {
                Comparison::Equals
            } else if self.eat("!=") {
                Comparison::NotEquals
            } else {
                return Err(self.err(
                    self.pos,
                    format!(
                        "unknown comparison `{}` (expected `==` or `!=`)",
                        self.word()
                    ),
                ));
            };
            let values = if self.eat("[") {
                self.list("]")?
            } else {
                vec![self.literal()?]
            };
            self.skip_ws();
            if self.pos != self.s.len() {
                return Err(self.err(
                    self.pos,
                    format!("unexpected `{}` after the expected values", self.word()),
                ));
            }
            Expectation::Compare(op, values)
        };
        Ok(RunLine {
            line: self.line,
            column: 0,
            func: Some(func),
            args,
            expect,
            text: String::new(),
        })
    }

    /// The next whitespace-delimited word (for messages).
    fn word(&self) -> &str {
        self.s[self.pos..].split_whitespace().next().unwrap_or("")
    }

    /// Comma-separated literals up to `close` (already past the opener).
    fn list(&mut self, close: &str) -> Result<Vec<Literal>, RunLineError> {
        let mut out = Vec::new();
        if self.eat(close) {
            return Ok(out);
        }
        loop {
            out.push(self.literal()?);
            if self.eat(close) {
                return Ok(out);
            }
            self.expect(",", &format!("`,` or `{close}`"))?;
        }
    }

    fn literal(&mut self) -> Result<Literal, RunLineError> {
        self.skip_ws();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-' | ':'))
        {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err(start, "expected a value"));
        }
        Ok(Literal {
            text: self.s[start..self.pos].to_string(),
            column: self.base + col(&self.s[..start]),
        })
    }
}

/// Types `lit` as a value of `ty`.
pub fn typed_value(lit: &Literal, ty: Type, line: u32) -> Result<DataValue, RunLineError> {
    let err = |message: String| RunLineError {
        line,
        column: lit.column,
        message,
    };
    let text = quiet_nan_without_payload(&lit.text);
    match ty {
        Type::F32 => Ieee32::parse(text)
            .map(|v| DataValue {
                ty,
                bits: u64::from(v.0),
            })
            .map_err(|e| err(format!("`{text}` is not an f32: {e}"))),
        Type::F64 => Ieee64::parse(text)
            .map(|v| DataValue { ty, bits: v.0 })
            .map_err(|e| err(format!("`{text}` is not an f64: {e}"))),
        Type::I128 => Err(err(format!(
            "`{text}`: i128 values in run lines are not supported"
        ))),
        _ => {
            let v = match text {
                "true" => 1,
                "false" => 0,
                _ => parse_int(text).map_err(|e| match e {
                    IntError::Malformed => {
                        err(format!("`{text}` is not an integer ({ty} expected)"))
                    }
                    IntError::Overflow => err(format!("`{text}` does not fit in 64 bits")),
                })?,
            };
            let bits = ty.bits();
            if bits < 64 {
                let (lo, hi) = (-(1i64 << (bits - 1)), (1i64 << bits) - 1);
                if !(lo..=hi).contains(&v) {
                    return Err(err(format!("`{text}` does not fit in {ty}")));
                }
            }
            Ok(DataValue {
                ty,
                bits: (v as u64) & mask(ty),
            })
        }
    }
}

/// `NaN:0x0` (with an optional sign) is Cranelift's spelling of the quiet NaN with an
/// empty payload, i.e. plain `NaN`; the IR's float parser rejects a zero payload (right
/// for `sNaN`, whose zero payload would be infinity), so it is rewritten here.
fn quiet_nan_without_payload(text: &str) -> &str {
    match text.strip_suffix(":0x0") {
        Some(nan @ ("NaN" | "+NaN" | "-NaN")) => nan,
        _ => text,
    }
}

/// A run line typed against its callee: the call to make and the check to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedRunLine {
    pub args: Vec<DataValue>,
    pub expect: TypedExpectation,
}

/// The typed form of [`Expectation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedExpectation {
    Compare(Comparison, Vec<DataValue>),
    True,
}

/// Types a run line's literals against the callee's signature.
pub fn type_run_line(run: &RunLine, sig: &Signature) -> Result<TypedRunLine, RunLineError> {
    let at = |message: String| RunLineError {
        line: run.line,
        column: run.column,
        message,
    };
    let name = run.func.as_deref().unwrap_or("(this function)");
    if run.args.len() != sig.params.len() {
        return Err(at(format!(
            "%{name} takes {} argument(s), the run line gives {}",
            sig.params.len(),
            run.args.len()
        )));
    }
    let args = run
        .args
        .iter()
        .zip(&sig.params)
        .map(|(lit, p)| typed_value(lit, p.value_type, run.line))
        .collect::<Result<Vec<_>, _>>()?;
    let expect = match &run.expect {
        Expectation::True => {
            if sig.returns.len() != 1 || !sig.returns[0].value_type.is_int() {
                return Err(at(format!(
                    "%{name} must return one integer for a run line without a comparison"
                )));
            }
            TypedExpectation::True
        }
        Expectation::Compare(op, lits) => {
            if lits.len() != sig.returns.len() {
                return Err(at(format!(
                    "%{name} returns {} value(s), the run line expects {}",
                    sig.returns.len(),
                    lits.len()
                )));
            }
            let values = lits
                .iter()
                .zip(&sig.returns)
                .map(|(lit, p)| typed_value(lit, p.value_type, run.line))
                .collect::<Result<Vec<_>, _>>()?;
            TypedExpectation::Compare(*op, values)
        }
    };
    Ok(TypedRunLine { args, expect })
}

/// Checks results against the expectation; `Err` says what was wrong.
pub fn check_results(expect: &TypedExpectation, results: &[DataValue]) -> Result<(), String> {
    let shown = || show_values(results);
    match expect {
        TypedExpectation::True => match results {
            [v] if v.bits != 0 => Ok(()),
            _ => Err(format!("expected a non-zero result, got {}", shown())),
        },
        TypedExpectation::Compare(op, expected) => {
            let equal = expected.len() == results.len()
                && expected
                    .iter()
                    .zip(results)
                    .all(|(e, r)| e.ty == r.ty && e.bits == r.bits);
            match (op, equal) {
                (Comparison::Equals, true) | (Comparison::NotEquals, false) => Ok(()),
                _ => Err(format!(
                    "expected {op} {}, got {}",
                    show_values(expected),
                    shown()
                )),
            }
        }
    }
}

/// `v` or `[v1, v2]`, as run lines write them.
pub fn show_values(values: &[DataValue]) -> String {
    match values {
        [v] => v.to_string(),
        _ => format!(
            "[{}]",
            values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
#[path = "runline_tests.rs"]
mod tests;
