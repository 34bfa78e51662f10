//! Finding test files.
//!
//! Invariant: the list returned by [`discover`] is sorted and free of duplicates, so a
//! test run prints files in the same order on every machine. Directories are walked
//! recursively and contribute only `.clif` files; a file named explicitly is always
//! included, whatever its extension, because the user asked for it.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a path given to the runner could not be turned into test files.
#[derive(Debug)]
pub struct DiscoverError {
    /// The path that could not be read.
    pub path: PathBuf,
    /// The underlying I/O error.
    pub error: io::Error,
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for DiscoverError {}

/// Expands `paths` (files or directories) into the sorted list of test files.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|error| DiscoverError {
            path: path.clone(),
            error,
        })?;
        if meta.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let err = |error| DiscoverError {
        path: dir.to_path_buf(),
        error,
    };
    for entry in fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(err)?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "clif") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("atoll-discover-{}-{}", name, std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn walks_sorted_clif_only() {
        let dir = scratch("walk");
        fs::create_dir_all(dir.join("b/sub")).unwrap();
        for f in ["z.clif", "a.clif", "notes.txt", "b/sub/c.clif", "b/a.clif"] {
            fs::write(dir.join(f), "").unwrap();
        }
        let got = discover(std::slice::from_ref(&dir)).unwrap();
        let rel: Vec<_> = got
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(rel, ["a.clif", "b/a.clif", "b/sub/c.clif", "z.clif"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn explicit_file_kept_and_deduplicated() {
        let dir = scratch("explicit");
        fs::write(dir.join("t.txt"), "").unwrap();
        let f = dir.join("t.txt");
        assert_eq!(discover(&[f.clone(), f.clone()]).unwrap(), vec![f]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let p = PathBuf::from("/nonexistent/atoll/x.clif");
        let e = discover(std::slice::from_ref(&p)).unwrap_err();
        assert_eq!(e.path, p);
        assert!(e.to_string().starts_with("/nonexistent/atoll/x.clif: "));
    }
}
