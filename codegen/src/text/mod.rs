//! The CLIF text format: parser for functions and whole test files.
//!
//! ```text
//! test compile precise-output        <- TestFile::commands
//! set opt_level=speed                <- TestFile::isa_lines
//! target x86_64
//! ; before the first function        <- TestFile::preamble_comments
//! function %f(i32) -> i32 {          <- TestFunction::func / line
//! block0(v0: i32):   ; about block0  <- TestFunction::entity_comments
//!     return v0
//! }                                  <- TestFunction::end_line
//! ; run: %f(1) == 1                  <- TestFunction::comments
//! ```
//!
//! Invariants: the parser never panics; anything it cannot represent is a
//! [`ParseError`] naming the construct; nothing is silently dropped (every comment
//! lands in exactly one of the comment lists). The printed form of a parsed function
//! parses back to the same printed form.

mod cursor;
mod lexer;
mod operands;
mod parser;
mod preamble;

use core::fmt;

use crate::ir::{AnyEntity, Function};
use cursor::{describe, error_at, Cursor};
use lexer::{lex, RawComment, Tok};

/// A parse error at a 1-based line and column.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ParseError {
    /// Line (1-based).
    pub line: u32,
    /// Column (1-based, in characters).
    pub column: u32,
    /// What went wrong, naming what was expected and what was found.
    pub message: String,
}

impl fmt::Display for ParseError {
    /// `L:C: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A parsed test file.
#[derive(Clone, Debug, Default)]
pub struct TestFile {
    /// `test` lines.
    pub commands: Vec<TestCommand>,
    /// `set` and `target` lines, in order.
    pub isa_lines: Vec<IsaLine>,
    /// Comments before the first function (including trailing ones on header lines).
    pub preamble_comments: Vec<Comment>,
    /// The functions, in order.
    pub functions: Vec<TestFunction>,
    /// `feature "name"` lines (`!"name"` keeps its `!`), in order. Not part of the
    /// brief's shape; filetests may ignore it.
    pub features: Vec<String>,
}

/// `test compile precise-output`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TestCommand {
    /// The command (`compile`, `run`, `parse-error`, ...).
    pub name: String,
    /// The words after it.
    pub options: Vec<String>,
    /// Its line.
    pub line: u32,
}

/// Which kind of ISA line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IsaLineKind {
    /// `set <setting>`
    Set,
    /// `target <triple> <flags>`
    Target,
}

/// A `set` or `target` line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IsaLine {
    /// `set` or `target`.
    pub kind: IsaLineKind,
    /// The rest of the line after the keyword, trimmed, without any comment.
    pub text: String,
    /// Its line.
    pub line: u32,
    /// Column where `text` starts (so errors in a setting can point into it).
    pub column: u32,
}

/// A `;` comment.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Comment {
    /// Its line.
    pub line: u32,
    /// The raw text after the `;` (a `; run:` line gives `" run: ..."`).
    pub text: String,
}

/// One function of a test file with its comments.
#[derive(Clone, Debug)]
pub struct TestFunction {
    /// The function.
    pub func: Function,
    /// Line of the `function` keyword.
    pub line: u32,
    /// Line of the closing `}`.
    pub end_line: u32,
    /// Comments after the closing brace, up to the next function (expectations,
    /// `; run:` lines).
    pub comments: Vec<Comment>,
    /// Comments inside the function: a trailing comment belongs to the entity on its
    /// line; a comment on a line of its own belongs to the next entity (as in
    /// Cranelift); [`AnyEntity::Function`] when there is none.
    pub entity_comments: Vec<(AnyEntity, Comment)>,
}

/// Parse every function in `src` (header lines are accepted and ignored).
pub fn parse_functions(src: &str) -> Result<Vec<Function>, ParseError> {
    Ok(parse_test(src)?
        .functions
        .into_iter()
        .map(|f| f.func)
        .collect())
}

/// Parse text holding exactly one function (header lines allowed), as tests of later
/// passes want.
pub fn parse_function(src: &str) -> Result<Function, ParseError> {
    let mut funcs = parse_functions(src)?;
    match funcs.len() {
        1 => Ok(funcs.remove(0)),
        n => Err(ParseError {
            line: 1,
            column: 1,
            message: format!("expected exactly one function, found {n}"),
        }),
    }
}

/// Parse a whole test file.
pub fn parse_test(src: &str) -> Result<TestFile, ParseError> {
    let (toks, comments) = lex(src);
    let lines: Vec<&str> = src.split('\n').collect();
    let mut cur = Cursor::new(toks);
    let mut file = TestFile::default();
    let mut parsed = Vec::new();
    loop {
        let t = cur.peek();
        match (t.tok, t.text) {
            (Tok::Eof, _) => break,
            (Tok::Ident, "function") => parsed.push(parser::parse_function(&mut cur)?),
            (Tok::Ident, kw @ ("test" | "set" | "target" | "feature")) => {
                if !parsed.is_empty() {
                    return Err(error_at(t, format!("'{kw}' line after the first function")));
                }
                header_line(&mut cur, &lines, &comments, &mut file)?;
            }
            _ => {
                return Err(cur
                    .expected("'function' or a header line ('test', 'set', 'target', 'feature')"))
            }
        }
    }
    distribute_comments(&comments, parsed, &mut file);
    Ok(file)
}

/// One `test`/`set`/`target`/`feature` line; consumes its tokens.
fn header_line<'a>(
    cur: &mut Cursor<'a>,
    lines: &[&str],
    comments: &[RawComment<'a>],
    file: &mut TestFile,
) -> Result<(), ParseError> {
    let kw = cur.bump();
    let line = kw.line;
    let src_line = lines.get(line as usize - 1).copied().unwrap_or("");
    // Comment texts exclude a CRLF's `\r`, so the line must too.
    let src_line = src_line.strip_suffix('\r').unwrap_or(src_line);
    // Byte offset of the text after the keyword: the keyword's column counts chars.
    let kw_byte = src_line
        .char_indices()
        .nth(kw.column as usize - 1)
        .map_or(src_line.len(), |(i, _)| i);
    let after = &src_line[(kw_byte + kw.text.len()).min(src_line.len())..];
    let comment_cut = comments
        .iter()
        .find(|c| c.line == line)
        .map(|c| c.text.len() + 1);
    let after = match comment_cut {
        Some(n) => &after[..after.len().saturating_sub(n)],
        None => after,
    };
    let text = after.trim();
    let lead = after.len() - after.trim_start().len();
    let column = kw.column + kw.text.chars().count() as u32 + after[..lead].chars().count() as u32;
    let mut words = Vec::new();
    while cur.peek().tok != Tok::Eof && cur.peek().line == line {
        words.push(cur.bump());
    }
    match kw.text {
        "test" => {
            let Some(name) = text.split_whitespace().next() else {
                return Err(error_at(
                    kw,
                    "expected test command after 'test'".to_string(),
                ));
            };
            let options = text.split_whitespace().skip(1).map(String::from).collect();
            file.commands.push(TestCommand {
                name: name.to_string(),
                options,
                line,
            });
        }
        "set" | "target" => {
            if text.is_empty() {
                return Err(error_at(kw, format!("expected text after '{}'", kw.text)));
            }
            let kind = if kw.text == "set" {
                IsaLineKind::Set
            } else {
                IsaLineKind::Target
            };
            file.isa_lines.push(IsaLine {
                kind,
                text: text.to_string(),
                line,
                column,
            });
        }
        _ => {
            let bang = words.first().is_some_and(|w| w.tok == Tok::Bang);
            let s = words.get(usize::from(bang));
            match s {
                Some(s) if s.tok == Tok::String && words.len() == usize::from(bang) + 1 => {
                    let name = &s.text[1..s.text.len() - 1];
                    file.features.push(if bang {
                        format!("!{name}")
                    } else {
                        name.to_string()
                    });
                }
                Some(&s) => {
                    return Err(error_at(
                        s,
                        format!("expected a quoted feature name, found {}", describe(s)),
                    ))
                }
                None => {
                    return Err(error_at(
                        kw,
                        "expected a quoted feature name after 'feature'".to_string(),
                    ))
                }
            }
        }
    }
    Ok(())
}

/// Put every comment in exactly one list (see the field docs of [`TestFunction`]).
fn distribute_comments(
    comments: &[RawComment<'_>],
    parsed: Vec<parser::ParsedFunction>,
    file: &mut TestFile,
) {
    let mut funcs: Vec<TestFunction> = Vec::with_capacity(parsed.len());
    let mut entity_lines = Vec::with_capacity(parsed.len());
    for p in parsed {
        entity_lines.push(p.entity_lines);
        funcs.push(TestFunction {
            func: p.func,
            line: p.line,
            end_line: p.end_line,
            comments: Vec::new(),
            entity_comments: Vec::new(),
        });
    }
    for c in comments {
        let comment = Comment {
            line: c.line,
            text: c.text.to_string(),
        };
        // The last function starting at or before this line.
        let idx = funcs.partition_point(|f| f.line <= c.line);
        if idx == 0 {
            file.preamble_comments.push(comment);
            continue;
        }
        let f = &mut funcs[idx - 1];
        if c.line > f.end_line || (c.line == f.end_line && !c.own_line) {
            f.comments.push(comment);
            continue;
        }
        let lines = &entity_lines[idx - 1];
        // `lines` is sorted by line (entities are recorded in source order).
        let after = lines.partition_point(|(l, _)| *l <= c.line);
        let entity = if c.own_line {
            lines.get(after).map(|e| e.1)
        } else {
            after
                .checked_sub(1)
                .and_then(|i| lines.get(i))
                .filter(|(l, _)| *l == c.line)
                .map(|e| e.1)
        };
        f.entity_comments
            .push((entity.unwrap_or(AnyEntity::Function), comment));
    }
    file.functions = funcs;
}

#[cfg(test)]
mod tests;
