//! What the tool-running helpers ([`super::disassemble`], [`super::run_blob`]) share:
//! the wording of a missing tool and fresh temporary paths.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes the one message for a tool that is not installed, naming the Debian package
/// so the reader knows what to install.
pub(crate) fn write_tool_missing(
    f: &mut fmt::Formatter<'_>,
    tool: &str,
    package: &str,
) -> fmt::Result {
    write!(
        f,
        "`{tool}` is not installed (Debian package `{package}`; `scripts/test.sh` installs it)"
    )
}

/// A path in the temporary directory, `<prefix>-<pid>-<n><suffix>`, that no other call
/// in any process returns: the process id separates test binaries running at once,
/// the counter separates threads of one binary.
pub(crate) fn unique_temp_path(prefix: &str, suffix: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("{prefix}-{}-{n}{suffix}", std::process::id()))
}
