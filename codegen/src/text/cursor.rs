//! A cursor over tokens with the error helpers every parser function uses.
//!
//! Every error names what was expected and what was found, at the found token's
//! position: `expected ',' after first operand, found 'v3'`.

use super::lexer::{Tok, Token};
use super::ParseError;

/// Largest entity number accepted (`v1048575`); bounds the memory a hostile input
/// can make the parser allocate for the number holes it must keep.
pub const MAX_ENTITY_NUMBER: u32 = (1 << 20) - 1;

/// Token cursor. Invariant: `toks` ends with [`Tok::Eof`] and `pos` never passes it.
pub struct Cursor<'a> {
    toks: Vec<Token<'a>>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the first token. `toks` must end with `Eof` (as [`super::lexer::lex`]
    /// guarantees).
    pub fn new(toks: Vec<Token<'a>>) -> Self {
        Cursor { toks, pos: 0 }
    }

    /// The current token.
    pub fn peek(&self) -> Token<'a> {
        self.toks[self.pos]
    }

    /// The token `n` places ahead (the `Eof` token past the end).
    pub fn peek_at(&self, n: usize) -> Token<'a> {
        self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    /// The token before the current one (the first token at the start).
    pub fn prev(&self) -> Token<'a> {
        self.toks[self.pos.saturating_sub(1)]
    }

    /// Consume and return the current token (stays on `Eof`).
    pub fn bump(&mut self) -> Token<'a> {
        let t = self.toks[self.pos];
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    /// Consume the current token if it has kind `tok`.
    pub fn eat(&mut self, tok: Tok) -> bool {
        if self.peek().tok == tok {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consume the current token if it is the identifier `word`.
    pub fn eat_word(&mut self, word: &str) -> bool {
        let t = self.peek();
        if t.tok == Tok::Ident && t.text == word {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Is the current token on the same line as the previous one?
    pub fn on_same_line(&self) -> bool {
        self.pos > 0 && self.peek().tok != Tok::Eof && self.peek().line == self.prev().line
    }

    /// Consume a token of kind `tok`, or fail with "expected {what}, found ...".
    pub fn expect(&mut self, tok: Tok, what: &str) -> Result<Token<'a>, ParseError> {
        if self.peek().tok == tok {
            Ok(self.bump())
        } else {
            Err(self.expected(what))
        }
    }

    /// "expected {what}, found '{current}'" at the current token.
    pub fn expected(&self, what: &str) -> ParseError {
        let t = self.peek();
        error_at(t, format!("expected {what}, found {}", describe(t)))
    }
}

/// An error at token `t`.
pub fn error_at(t: Token<'_>, message: String) -> ParseError {
    ParseError {
        line: t.line,
        column: t.column,
        message,
    }
}

/// How a token is named in messages: `'v3'`, or `end of file`.
pub fn describe(t: Token<'_>) -> String {
    match t.tok {
        Tok::Eof => "end of file".to_string(),
        _ => format!("'{}'", t.text),
    }
}

/// The number in an entity name such as `v12` for prefix `v`; `None` unless the rest
/// is a canonical decimal (no sign, no leading zero).
pub fn entity_number(text: &str, prefix: &str) -> Option<u64> {
    let digits = text.strip_prefix(prefix)?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && digits.len() <= 12;
    if canonical {
        digits.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_numbers() {
        let cases = [
            ("v0", "v", Some(0)),
            ("v12", "v", Some(12)),
            ("v012", "v", None),
            ("v", "v", None),
            ("block3", "block", Some(3)),
            ("vx", "v", None),
            ("ss1", "v", None),
        ];
        for (text, prefix, want) in cases {
            assert_eq!(entity_number(text, prefix), want, "{text}");
        }
    }
}
