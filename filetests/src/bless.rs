//! Rewriting expectation blocks in place (`ATOLL_BLESS=1`).
//!
//! Invariant: every byte outside the rewritten blocks is kept, including line endings
//! and a missing final newline; a block keeps the line ending of its function's `}`
//! line. Rewriting a file with the blocks it already has returns it unchanged (modulo
//! trailing whitespace inside those comments).

use crate::expect::{comment_block_after, render_block};

/// New expected text for the block after the function whose `}` is on `end_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRewrite {
    /// 1-based line of the function's closing `}`.
    pub end_line: u32,
    /// The new block text (as returned by [`crate::expect::CommentBlock::text`]).
    pub text: String,
}

/// Returns `source` with each rewrite's expectation block replaced by its text.
///
/// Rewrites may come in any order; two rewrites of the same block keep the last.
pub fn bless(source: &str, rewrites: &[BlockRewrite]) -> String {
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    // Per line index: Some(replacement) for the first line of a rewritten block, and the
    // number of old lines it replaces.
    let mut plan: Vec<Option<(String, usize)>> = vec![None; lines.len() + 1];
    for rw in rewrites {
        let block = comment_block_after(source, rw.end_line);
        let Some(brace) = lines.get(block.start.wrapping_sub(1)) else {
            continue;
        };
        let eol = if brace.ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut rendered = render_block(&rw.text, eol);
        if !brace.ends_with('\n') && !rendered.is_empty() {
            // The `}` is the file's last line: the block needs a line break before it,
            // and the file stays without a final newline.
            rendered = format!("{eol}{}", rendered.trim_end_matches(eol));
        }
        plan[block.start] = Some((rendered, block.len));
    }
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i <= lines.len() {
        if let Some((text, skip)) = &plan[i] {
            out.push_str(text);
            i += skip;
            if *skip > 0 {
                continue;
            }
        }
        if let Some(line) = lines.get(i) {
            out.push_str(line);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw(end_line: u32, text: &str) -> BlockRewrite {
        BlockRewrite {
            end_line,
            text: text.to_string(),
        }
    }

    #[test]
    fn table() {
        let cases: &[(&str, Vec<BlockRewrite>, &str)] = &[
            // Insert where there was no block.
            ("f {\n}\n\ng\n", vec![rw(2, "a\n")], "f {\n}\n; a\n\ng\n"),
            // Replace a longer block by a shorter one.
            (
                "f {\n}\n; x\n; y\n; z\nrest\n",
                vec![rw(2, "a\n")],
                "f {\n}\n; a\nrest\n",
            ),
            // Replace by nothing.
            ("}\n; x\n\n", vec![rw(1, "")], "}\n\n"),
            // CRLF is kept, the block uses the brace line's ending.
            (
                "}\r\n; x\r\nz\r\n",
                vec![rw(1, "a\nb\n")],
                "}\r\n; a\r\n; b\r\nz\r\n",
            ),
            // No final newline after `}`.
            ("}", vec![rw(1, "a\nb\n")], "}\n; a\n; b"),
            // Two functions, rewrites out of order.
            (
                "}\n; 1\n\n}\n; 2\n",
                vec![rw(4, "B\n"), rw(1, "A\n")],
                "}\n; A\n\n}\n; B\n",
            ),
            // Empty-line texts render as bare `;`.
            ("}\n", vec![rw(1, "a\n\nb\n")], "}\n; a\n;\n; b\n"),
            // End line past the file: nothing changes.
            ("}\n", vec![rw(9, "a\n")], "}\n"),
        ];
        for (src, rws, want) in cases {
            assert_eq!(bless(src, rws), *want, "source: {src:?}");
        }
    }

    #[test]
    fn identity_when_blocks_match() {
        let src = "test cat\n\nfunction %f() {\nblock0:\n    return\n}\n; function %f() {\n;\n; }\n\n; tail\n";
        let block = comment_block_after(src, 6);
        assert_eq!(bless(src, &[rw(6, &block.text)]), src);
    }
}
