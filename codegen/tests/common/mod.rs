//! What several integration tests of this crate share: where the read-only CLIF
//! corpus is and which of its files make up the scalar core.
//!
//! Each test binary compiles this module on its own and uses part of it, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The Cranelift corpus (`../shared/corpus` next to the worktree), if it is present.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The file names listed in `clif-runtests/scalar-core.txt` (relative to
/// `clif-runtests/`), without blank lines and `#` comments; `None` when the list
/// cannot be read.
pub fn scalar_core_names(corpus: &Path) -> Option<Vec<String>> {
    let list = fs::read_to_string(corpus.join("clif-runtests/scalar-core.txt")).ok()?;
    Some(
        list.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}
