//! The expectation model: what a test file says its output should be.
//!
//! A function's *expectation block* is the maximal run of whole-line comments that
//! starts on the line right after the function's closing `}`. A blank line or any
//! code ends it, so a comment that introduces the next function stays separate when
//! a blank line precedes it. The block's *text* is each comment with its leading
//! whitespace, the `;` and one following space removed, joined by `\n`.
//!
//! Invariant: `block_text(render_block(t)) == t` for every `t` without `\r` whose
//! lines have no trailing whitespace, so blessing and re-checking always agree.

/// The expectation block of one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBlock {
    /// 0-based index of the block's first line (the line after the `}`).
    pub start: usize,
    /// Number of lines in the block; 0 when the function has no expectation.
    pub len: usize,
    /// The comments' text, one `\n`-terminated line per comment.
    pub text: String,
}

/// Is `line` a comment and nothing else?
pub fn is_whole_line_comment(line: &str) -> bool {
    line.trim_start().starts_with(';')
}

/// The text of a whole-line comment: without indentation, `;`, one space, or trailing
/// whitespace.
pub fn comment_body(line: &str) -> &str {
    let rest = line.trim_start();
    let rest = rest.strip_prefix(';').unwrap_or(rest);
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    rest.trim_end()
}

/// If `comment` (with or without its `;`) is `<directive> <value>`, returns the value.
///
/// `directive` includes its colon, e.g. `"error:"`.
pub fn directive<'a>(comment: &'a str, directive: &str) -> Option<&'a str> {
    let body = comment.trim_start().trim_start_matches(';').trim();
    body.strip_prefix(directive).map(str::trim)
}

/// Finds the expectation block of the function whose `}` is on 1-based line `end_line`.
pub fn comment_block_after(source: &str, end_line: u32) -> CommentBlock {
    let start = end_line as usize;
    let mut text = String::new();
    let mut len = 0;
    for line in source.lines().skip(start) {
        if !is_whole_line_comment(line) {
            break;
        }
        text.push_str(comment_body(line));
        text.push('\n');
        len += 1;
    }
    CommentBlock { start, len, text }
}

/// Renders `text` as an expectation block: one comment per line, each ending in `eol`.
pub fn render_block(text: &str, eol: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push(';');
        } else {
            out.push_str("; ");
            out.push_str(line);
        }
        out.push_str(eol);
    }
    out
}

/// Normalizes produced output the way it will read back from a block: trailing
/// whitespace dropped on each line, and each line `\n`-terminated.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blocks_table() {
        // (source, end_line, start, len, text)
        let cases: &[(&str, u32, usize, usize, &str)] = &[
            ("}\n", 1, 1, 0, ""),
            ("}\n; a\n;  b\n;\n", 1, 1, 3, "a\n b\n\n"),
            ("}\n; a\n\n; next fn\n", 1, 1, 1, "a\n"),
            ("x\n}\n  ; a  \nfunction\n; z\n", 2, 2, 1, "a\n"),
            ("}\r\n; a\r\n", 1, 1, 1, "a\n"),
            ("}", 1, 1, 0, ""),
            ("}\n;x\n", 1, 1, 1, "x\n"),
        ];
        for &(src, end, start, len, text) in cases {
            let want = CommentBlock {
                start,
                len,
                text: text.to_string(),
            };
            assert_eq!(comment_block_after(src, end), want, "source: {src:?}");
        }
    }

    #[test]
    fn directives() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("; error: bad type", "error:", Some("bad type")),
            ("error:bad", "error:", Some("bad")),
            (";   expect-error: 3:4: x", "expect-error:", Some("3:4: x")),
            ("; run: %f() == 1", "error:", None),
        ];
        for &(c, d, want) in cases {
            assert_eq!(directive(c, d), want, "{c:?}");
        }
    }

    #[test]
    fn render_table() {
        assert_eq!(render_block("a\n\n  b \n", "\n"), "; a\n;\n;   b\n");
        assert_eq!(render_block("a\n", "\r\n"), "; a\r\n");
        assert_eq!(render_block("", "\n"), "");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn render_then_read_is_identity(lines in prop::collection::vec("[ -~]{0,12}", 0..8)) {
            let text = normalize(&lines.join("\n"));
            // Leading blank lines of `text` are kept as `;` lines.
            let src = format!("}}\n{}", render_block(&text, "\n"));
            prop_assert_eq!(comment_block_after(&src, 1).text, text);
        }
    }
}
