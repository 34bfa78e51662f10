//! Tokens of the CLIF text format.
//!
//! The lexer never fails: a character that starts no token becomes
//! [`Tok::Unexpected`], which the parser reports where it finds it. Comments are not
//! tokens; they are collected separately with their position and whether they stand
//! on a line of their own, so the parser can attach them to entities or functions.
//!
//! Positions are 1-based lines and 1-based columns counted in characters.

/// The kind of a token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tok {
    /// `(`
    LPar,
    /// `)`
    RPar,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `=`
    Equal,
    /// `.`
    Dot,
    /// `->`
    Arrow,
    /// `!`
    Bang,
    /// A word: `iadd`, `v0`, `block3`, `i32`, `NaN`.
    Ident,
    /// `%name`
    Name,
    /// A number-like word: `12`, `-1`, `+8`, `0x1.8p3`, `-Inf`.
    Number,
    /// A double-quoted string.
    String,
    /// A character that starts no token.
    Unexpected,
    /// End of input.
    Eof,
}

/// One token with its text and position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Token<'a> {
    /// Its kind.
    pub tok: Tok,
    /// Its source text (empty for [`Tok::Eof`]).
    pub text: &'a str,
    /// Line (1-based).
    pub line: u32,
    /// Column (1-based, in characters).
    pub column: u32,
}

/// A `;` comment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RawComment<'a> {
    /// Text after the `;`, up to the end of the line (not trimmed, but without the
    /// `\r` of a CRLF line end).
    pub text: &'a str,
    /// Line (1-based).
    pub line: u32,
    /// Column of the `;`.
    pub column: u32,
    /// Only whitespace precedes it on its line.
    pub own_line: bool,
}

/// Split `src` into tokens (ending with one [`Tok::Eof`]) and comments.
pub fn lex(src: &str) -> (Vec<Token<'_>>, Vec<RawComment<'_>>) {
    let mut toks = Vec::new();
    let mut comments = Vec::new();
    let bytes = src.as_bytes();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let mut line_has_token = false;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let (tline, tcol) = (line, col);
        let single = |t| Some((t, 1usize));
        let kind_len: Option<(Tok, usize)> = match c {
            b'\n' => {
                i += 1;
                line += 1;
                col = 1;
                line_has_token = false;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                col += 1;
                continue;
            }
            b';' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                comments.push(RawComment {
                    // Without the `\r` of a CRLF line end.
                    text: src[i + 1..end]
                        .strip_suffix('\r')
                        .unwrap_or(&src[i + 1..end]),
                    line,
                    column: col,
                    own_line: !line_has_token,
                });
                col += src[i..end].chars().count() as u32;
                i = end;
                continue;
            }
            b'(' => single(Tok::LPar),
            b')' => single(Tok::RPar),
            b'{' => single(Tok::LBrace),
            b'}' => single(Tok::RBrace),
            b'[' => single(Tok::LBracket),
            b']' => single(Tok::RBracket),
            b',' => single(Tok::Comma),
            b':' => single(Tok::Colon),
            b'=' => single(Tok::Equal),
            b'.' => single(Tok::Dot),
            b'!' => single(Tok::Bang),
            b'-' if bytes.get(i + 1) == Some(&b'>') => Some((Tok::Arrow, 2)),
            b'-' | b'+' if bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric()) => {
                Some((Tok::Number, 1 + number_len(&bytes[i + 1..])))
            }
            b'0'..=b'9' => Some((Tok::Number, number_len(&bytes[i..]))),
            b'%' => Some((Tok::Name, 1 + word_len(&bytes[i + 1..], true))),
            b'"' => match src[i + 1..].find(['"', '\n']) {
                Some(n) if bytes[i + 1 + n] == b'"' => Some((Tok::String, n + 2)),
                _ => None,
            },
            c if c.is_ascii_alphabetic() || c == b'_' => {
                Some((Tok::Ident, word_len(&bytes[i..], false)))
            }
            _ => None,
        };
        let (tok, len) = kind_len.unwrap_or_else(|| {
            // One whole (possibly multi-byte) character.
            let len = src[i..].chars().next().map_or(1, char::len_utf8);
            (Tok::Unexpected, len)
        });
        i += len;
        col += src[start..i].chars().count() as u32;
        line_has_token = true;
        toks.push(Token {
            tok,
            text: &src[start..i],
            line: tline,
            column: tcol,
        });
    }
    toks.push(Token {
        tok: Tok::Eof,
        text: "",
        line,
        column: col,
    });
    (toks, comments)
}

/// Length of an identifier (or, with `name`, a `%name` body, which may contain `.`).
fn word_len(b: &[u8], name: bool) -> usize {
    b.iter()
        .take_while(|&&c| {
            c.is_ascii_alphanumeric() || c == b'_' || (name && (c == b'.' || c == b'$'))
        })
        .count()
}

/// Length of a number word: alphanumerics, `_` and `.`, plus a sign right after an
/// exponent marker (`p`/`P` of hex floats, `e`/`E` of decimal ones).
fn number_len(b: &[u8]) -> usize {
    let hex = b.starts_with(b"0x") || b.starts_with(b"0X");
    let mut n = 0;
    while n < b.len() {
        let c = b[n];
        let exp_sign = (c == b'-' || c == b'+')
            && n > 0
            && if hex {
                matches!(b[n - 1], b'p' | b'P')
            } else {
                matches!(b[n - 1], b'e' | b'E')
            };
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exp_sign {
            n += 1;
        } else {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, &str)> {
        lex(src).0.into_iter().map(|t| (t.tok, t.text)).collect()
    }

    #[test]
    fn token_table() {
        use Tok::*;
        let cases: &[(&str, &[(Tok, &str)])] = &[
            (
                "v1 = iconst.i64 -1",
                &[
                    (Ident, "v1"),
                    (Equal, "="),
                    (Ident, "iconst"),
                    (Dot, "."),
                    (Ident, "i64"),
                    (Number, "-1"),
                    (Eof, ""),
                ],
            ),
            (
                "load v0+8",
                &[(Ident, "load"), (Ident, "v0"), (Number, "+8"), (Eof, "")],
            ),
            (
                "0x1.8p-3 -NaN 1e+5",
                &[
                    (Number, "0x1.8p-3"),
                    (Number, "-NaN"),
                    (Number, "1e+5"),
                    (Eof, ""),
                ],
            ),
            (
                "%f.1(i8) -> i8",
                &[
                    (Name, "%f.1"),
                    (LPar, "("),
                    (Ident, "i8"),
                    (RPar, ")"),
                    (Arrow, "->"),
                    (Ident, "i8"),
                    (Eof, ""),
                ],
            ),
            (
                "feature \"x\" #",
                &[
                    (Ident, "feature"),
                    (String, "\"x\""),
                    (Unexpected, "#"),
                    (Eof, ""),
                ],
            ),
            ("\"open", &[(Unexpected, "\""), (Ident, "open"), (Eof, "")]),
        ];
        for (src, want) in cases {
            assert_eq!(kinds(src), *want, "{src}");
        }
    }

    #[test]
    fn positions_and_comments() {
        let (toks, comments) = lex("a ; one\n  ; two\n  é b");
        assert_eq!((toks[0].line, toks[0].column), (1, 1));
        assert_eq!(
            comments[0],
            RawComment {
                text: " one",
                line: 1,
                column: 3,
                own_line: false
            }
        );
        assert_eq!(
            comments[1],
            RawComment {
                text: " two",
                line: 2,
                column: 3,
                own_line: true
            }
        );
        assert_eq!(
            (toks[1].tok, toks[1].line, toks[1].column),
            (Tok::Unexpected, 3, 3)
        );
        assert_eq!((toks[2].text, toks[2].column), ("b", 5));
    }
}
