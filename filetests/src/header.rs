//! The `test <name> [options]` lines at the top of a test file, read without the parser.
//!
//! The runner must know which subtests a file asks for even when the file does not
//! parse: that is exactly what `test parse-error` files are. So the header is scanned
//! textually here, with the same rules as the parser: a `test` line is a line whose
//! first word is `test`, before the first `function`; `;` starts a comment.

/// One `test` line of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestLine {
    /// The subtest name (`cat`, `verifier`, `compile`, ...).
    pub name: String,
    /// The words after the name (`precise-output`, ...).
    pub options: Vec<String>,
    /// 1-based line number.
    pub line: u32,
}

/// Returns the `test` lines of `source` in file order.
pub fn scan_test_lines(source: &str) -> Vec<TestLine> {
    let mut out = Vec::new();
    for (index, raw) in source.lines().enumerate() {
        let code = raw.split(';').next().unwrap_or("");
        let mut words = code.split_whitespace();
        match words.next() {
            Some("function") => break,
            Some("test") => {
                if let Some(name) = words.next() {
                    out.push(TestLine {
                        name: name.to_string(),
                        options: words.map(str::to_string).collect(),
                        line: line_number(index),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Converts a 0-based line index into the 1-based numbering used in messages.
pub(crate) fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let t = |name: &str, options: &[&str], line| TestLine {
            name: name.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            line,
        };
        let cases: &[(&str, Vec<TestLine>)] = &[
            ("", vec![]),
            ("test cat\n", vec![t("cat", &[], 1)]),
            (
                "; comment\ntest compile precise-output ; why\nset opt_level=none\ntest run\n",
                vec![t("compile", &["precise-output"], 2), t("run", &[], 4)],
            ),
            ("  test   verifier  \n", vec![t("verifier", &[], 1)]),
            ("; test cat\n", vec![]),
            ("test\n", vec![]),
            (
                "test cat\nfunction %f() {\ntest run\n}\n",
                vec![t("cat", &[], 1)],
            ),
            ("testing cat\n", vec![]),
        ];
        for (src, want) in cases {
            assert_eq!(&scan_test_lines(src), want, "source: {src:?}");
        }
    }
}
