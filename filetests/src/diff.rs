//! Unified diffs between expected and actual output, shown when a check fails.

use similar::TextDiff;

/// A unified diff from `expected` to `actual` with 3 lines of context, or an empty
/// string when they are equal.
pub fn unified_diff(expected: &str, actual: &str) -> String {
    if expected == actual {
        return String::new();
    }
    TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str, &str)] = &[
            ("a\n", "a\n", ""),
            (
                "a\nb\n",
                "a\nc\n",
                "--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
            ),
            ("", "x\n", "--- expected\n+++ actual\n@@ -0,0 +1 @@\n+x\n"),
        ];
        for &(e, a, want) in cases {
            assert_eq!(unified_diff(e, a), want, "{e:?} -> {a:?}");
        }
    }
}
