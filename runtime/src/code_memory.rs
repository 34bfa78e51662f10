//! Executable memory for one text section.
//!
//! Life cycle: `mmap` read+write pages → copy the text → `mprotect` to read+execute →
//! call into it → `munmap` on drop. The mapping is **never writable and executable at
//! the same time** (W^X), and nothing is patched after the copy: a text section that
//! still has relocations is refused, because a loaded image must be position
//! independent (DESIGN.md §6, §8).
//!
//! On x86_64 no instruction-cache maintenance is needed after writing code; other
//! hosts would need it before the `mprotect`, which is why [`CodeMemory::new`] only
//! claims to work on the host it was written for and reports others as unsupported.

use core::fmt;
use std::io;
use std::ptr::NonNull;

use atoll_codegen::isa::ModuleText;

/// Why a text section could not be made executable.
#[derive(Debug)]
pub enum CodeMemoryError {
    /// The text still has relocations (the count); images must have none.
    HasRelocations(usize),
    /// `mmap` or `mprotect` failed.
    Os {
        call: &'static str,
        error: io::Error,
    },
    /// This host cannot run code this way (no executable mappings implemented).
    UnsupportedHost(&'static str),
}

impl fmt::Display for CodeMemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeMemoryError::HasRelocations(n) => {
                write!(
                    f,
                    "text section has {n} relocation(s); executable code must have none"
                )
            }
            CodeMemoryError::Os { call, error } => write!(f, "{call} failed: {error}"),
            CodeMemoryError::UnsupportedHost(why) => {
                write!(f, "cannot execute code on this host: {why}")
            }
        }
    }
}

impl std::error::Error for CodeMemoryError {}

/// A read+execute mapping holding a copy of a text section.
pub struct CodeMemory {
    base: NonNull<u8>,
    /// Bytes mapped (a whole number of pages, at least one).
    mapped: usize,
    /// Bytes of code.
    len: usize,
}

// The mapping is immutable once published; sharing its address is harmless.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `text`'s code executable. Refuses a text with relocations.
    pub fn new(text: &ModuleText) -> Result<CodeMemory, CodeMemoryError> {
        if !text.relocs.is_empty() {
            return Err(CodeMemoryError::HasRelocations(text.relocs.len()));
        }
        Self::from_code(&text.section.code)
    }

    /// Maps raw position-independent code executable (hand-assembled tests).
    pub fn from_code(code: &[u8]) -> Result<CodeMemory, CodeMemoryError> {
        if !cfg!(all(target_arch = "x86_64", unix)) {
            return Err(CodeMemoryError::UnsupportedHost(
                "only x86_64 Unix hosts are supported",
            ));
        }
        let page = page_size();
        let mapped = code.len().div_ceil(page).max(1) * page;
        // SAFETY: an anonymous private mapping with no address hint touches no
        // existing memory; the result is checked against MAP_FAILED.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(CodeMemoryError::Os {
                call: "mmap",
                error: io::Error::last_os_error(),
            });
        }
        let base = NonNull::new(ptr.cast::<u8>()).ok_or(CodeMemoryError::Os {
            call: "mmap",
            error: io::Error::other("null mapping"),
        })?;
        let mem = CodeMemory {
            base,
            mapped,
            len: code.len(),
        };
        // SAFETY: the mapping is `mapped >= code.len()` bytes, writable, and does not
        // overlap `code`.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), base.as_ptr(), code.len()) };
        // SAFETY: `base..base+mapped` is exactly our mapping.
        let rc = unsafe { libc::mprotect(ptr, mapped, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            // `mem` is dropped here and unmaps the pages.
            return Err(CodeMemoryError::Os {
                call: "mprotect",
                error: io::Error::last_os_error(),
            });
        }
        Ok(mem)
    }

    /// Address of the first byte of code.
    pub fn base(&self) -> *const u8 {
        self.base.as_ptr()
    }

    /// Bytes of code.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the text was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Address of the code at `offset`, or `None` past the end.
    pub fn address(&self, offset: u64) -> Option<*const u8> {
        let off = usize::try_from(offset).ok().filter(|&o| o < self.len)?;
        // SAFETY: `off < len <= mapped`, inside the mapping.
        Some(unsafe { self.base.as_ptr().add(off) })
    }

    /// Calls the code at `offset` as `extern "C" fn(*mut u8)` with `arg`.
    ///
    /// # Safety
    /// The code at `offset` must be a function with exactly that native signature
    /// that only touches `arg`'s memory as the caller allows, and returns.
    pub unsafe fn call_with_ptr(&self, offset: u64, arg: *mut u8) -> Result<(), CodeMemoryError> {
        let addr = self.address(offset).ok_or(CodeMemoryError::Os {
            call: "call",
            error: io::Error::other("offset outside the code"),
        })?;
        // SAFETY: the caller guarantees the code at `addr` has this signature.
        let f: extern "C" fn(*mut u8) =
            unsafe { std::mem::transmute::<*const u8, extern "C" fn(*mut u8)>(addr) };
        f(arg);
        Ok(())
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping created in `from_code`; nothing refers to
        // it after drop. A failure cannot be reported from `drop` and leaks the pages.
        unsafe {
            libc::munmap(self.base.as_ptr().cast(), self.mapped);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).ok().filter(|&n| n > 0).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
    use super::*;
    use atoll_codegen::buffer::{Reloc, TextSection, TextSectionStats};
    use atoll_codegen::ir::ExternalName;
    use atoll_codegen::isa::FunctionReloc;

    fn text(code: Vec<u8>) -> ModuleText {
        ModuleText {
            section: TextSection {
                code,
                function_offsets: vec![0],
                islands: Vec::new(),
                stats: TextSectionStats::default(),
            },
            relocs: Vec::new(),
            traps: Vec::new(),
        }
    }

    /// `mov dword ptr [rdi], 42; ret` — bytes from
    /// `echo 'movl $42, (%rdi); ret' | llvm-mc-14 -triple=x86_64 -show-encoding`.
    const STORE_42: [u8; 7] = [0xc7, 0x07, 0x2a, 0x00, 0x00, 0x00, 0xc3];

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn executes_hand_assembled_code() {
        let mem = CodeMemory::new(&text(STORE_42.to_vec())).unwrap();
        let mut buf = [0u8; 16];
        unsafe { mem.call_with_ptr(0, buf.as_mut_ptr()).unwrap() };
        assert_eq!(buf[..4], 42u32.to_le_bytes());
        assert_eq!(mem.len(), 7);
        assert!(mem.address(7).is_none());
    }

    #[test]
    fn refuses_relocations() {
        let mut t = text(vec![0xe8, 0, 0, 0, 0, 0xc3]);
        t.relocs.push(FunctionReloc {
            offset: 1,
            kind: Reloc::X86CallPCRel4,
            target: ExternalName::TestCase("ext".into()),
            addend: -4,
            colocated: false,
        });
        match CodeMemory::new(&t) {
            Err(CodeMemoryError::HasRelocations(1)) => {}
            Err(e) => panic!("wrong error: {e}"),
            Ok(_) => panic!("accepted a text with a relocation"),
        }
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn mapping_is_not_writable() {
        let mem = CodeMemory::from_code(&STORE_42).unwrap();
        // /proc/self/maps lists our mapping as r-xp: never w and x together.
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        let base = mem.base() as usize;
        let line = maps
            .lines()
            .find(|l| {
                let range = l.split_whitespace().next().unwrap_or("");
                let mut it = range
                    .split('-')
                    .map(|h| usize::from_str_radix(h, 16).unwrap_or(0));
                let (lo, hi) = (it.next().unwrap_or(0), it.next().unwrap_or(0));
                lo <= base && base < hi
            })
            .unwrap();
        assert!(
            line.split_whitespace().nth(1).unwrap().starts_with("r-x"),
            "{line}"
        );
    }
}
