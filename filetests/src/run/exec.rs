//! Executors: where a text section's trampolines actually run.
//!
//! An [`Executor`] gets a finished text section (no relocations), the offsets of the
//! trampolines to call in order, and one argument/result buffer per call (layout in
//! [`super::trampoline`]). The native one runs on this host; the qemu one
//! ([`super::qemu`]) links the same section with a C harness and runs it under
//! qemu-user — everything is data: bytes in, bytes out.
//!
//! The native executor isolates the code under test in a **forked child**: a
//! miscompiled function that faults, executes `ud2` or loops forever must fail its
//! run line, not kill `atoll test`. Buffers live in a shared anonymous mapping, the
//! child calls the trampolines one by one and advances a shared progress counter; if
//! it dies by a signal (or the time limit), the call in progress is reported crashed
//! and a new child continues with the next call. Between `fork` and `_exit` the child
//! only calls into the generated code and writes the shared mapping (nothing that
//! allocates or locks), which keeps `fork` sound in a multi-threaded test process.

use atoll_codegen::isa::ModuleText;
use atoll_runtime::code_memory::CodeMemory;

use crate::env::HookError;

/// How one call went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// It returned; its buffer holds the results.
    Returned,
    /// It did not return (signal, time limit); the message says how.
    Crashed(String),
}

/// Runs trampolines of a text section.
pub trait Executor {
    /// Calls the trampoline at `entry_offsets[i]` with `buffers[i]`, for each `i` in
    /// order. `Err` means nothing could run (a skip or a setup failure).
    fn run(
        &self,
        text: &ModuleText,
        entry_offsets: &[u64],
        buffers: &mut [Vec<u8>],
    ) -> Result<Vec<CallOutcome>, HookError>;
}

/// The checks every executor makes first: one buffer per entry point, and every
/// entry inside the section.
pub fn check_entries(
    text: &ModuleText,
    entry_offsets: &[u64],
    buffers: usize,
) -> Result<(), HookError> {
    if entry_offsets.len() != buffers {
        return Err(HookError::Failed(format!(
            "{} entry point(s) for {buffers} buffer(s)",
            entry_offsets.len()
        )));
    }
    if let Some(&bad) = entry_offsets
        .iter()
        .find(|&&o| o >= text.section.code.len() as u64)
    {
        return Err(HookError::Failed(format!(
            "entry offset {bad:#x} is outside the text section"
        )));
    }
    Ok(())
}

/// The executor for code of the ISA named `isa` (`TargetIsa::name`), or a skip saying
/// why this host cannot run it.
pub fn executor_for(isa: &str) -> Result<Box<dyn Executor>, HookError> {
    match isa {
        "x86_64" if cfg!(all(target_arch = "x86_64", target_os = "linux")) => {
            Ok(Box::new(NativeExecutor::default()))
        }
        "aarch64" => Ok(Box::new(super::qemu::QemuExecutor::new(
            super::qemu::QemuArch::Aarch64,
        )?)),
        "arm" => Ok(Box::new(super::qemu::QemuExecutor::new(
            super::qemu::QemuArch::Arm32,
        )?)),
        other => Err(HookError::Skipped(format!(
            "{other} code cannot be executed on this host"
        ))),
    }
}

/// Runs code in this process's address space, in forked children (see module doc).
#[derive(Clone, Debug)]
pub struct NativeExecutor {
    /// Seconds a child may run before it is killed (`SIGALRM`).
    pub time_limit_secs: u32,
}

impl Default for NativeExecutor {
    fn default() -> Self {
        NativeExecutor {
            time_limit_secs: 10,
        }
    }
}

impl Executor for NativeExecutor {
    fn run(
        &self,
        text: &ModuleText,
        entry_offsets: &[u64],
        buffers: &mut [Vec<u8>],
    ) -> Result<Vec<CallOutcome>, HookError> {
        check_entries(text, entry_offsets, buffers.len())?;
        let code = CodeMemory::new(text).map_err(|e| HookError::Failed(e.to_string()))?;
        let mut shared = SharedBuffers::new(buffers)?;
        let mut outcomes = Vec::with_capacity(buffers.len());
        while outcomes.len() < buffers.len() {
            let start = outcomes.len();
            match run_child(
                &code,
                entry_offsets,
                &mut shared,
                start,
                self.time_limit_secs,
            )? {
                ChildEnd::Finished => outcomes.resize(buffers.len(), CallOutcome::Returned),
                ChildEnd::Died { at, why } => {
                    outcomes.resize(at, CallOutcome::Returned);
                    outcomes.push(CallOutcome::Crashed(why));
                }
            }
        }
        shared.copy_out(buffers);
        Ok(outcomes)
    }
}

enum ChildEnd {
    Finished,
    /// The child died while running call `at`.
    Died {
        at: usize,
        why: String,
    },
}

/// A `MAP_SHARED` anonymous mapping: `[progress: u64][buffer 0][buffer 1]...`, each
/// buffer at a 16-byte-aligned offset.
struct SharedBuffers {
    base: *mut u8,
    len: usize,
    offsets: Vec<usize>,
}

impl SharedBuffers {
    fn new(buffers: &[Vec<u8>]) -> Result<SharedBuffers, HookError> {
        let mut offsets = Vec::with_capacity(buffers.len());
        let mut len = 16usize;
        for b in buffers {
            offsets.push(len);
            len += b.len().div_ceil(16).max(1) * 16;
        }
        // SAFETY: a fresh anonymous mapping; checked against MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(HookError::Failed(format!(
                "mmap: {}",
                std::io::Error::last_os_error()
            )));
        }
        let base = p.cast::<u8>();
        for (b, &off) in buffers.iter().zip(&offsets) {
            // SAFETY: `off + b.len() <= len`, inside the mapping.
            unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), base.add(off), b.len()) };
        }
        Ok(SharedBuffers { base, len, offsets })
    }

    fn progress(&self) -> *mut u64 {
        self.base.cast::<u64>()
    }

    fn buffer(&self, i: usize) -> *mut u8 {
        // SAFETY: every offset lies inside the mapping.
        unsafe { self.base.add(self.offsets[i]) }
    }

    fn copy_out(&self, buffers: &mut [Vec<u8>]) {
        for (i, b) in buffers.iter_mut().enumerate() {
            // SAFETY: buffer `i` has `b.len()` bytes in the mapping.
            unsafe { std::ptr::copy_nonoverlapping(self.buffer(i), b.as_mut_ptr(), b.len()) };
        }
    }
}

impl Drop for SharedBuffers {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly our mapping.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

/// Forks a child that runs calls `start..` and waits for it.
fn run_child(
    code: &CodeMemory,
    entries: &[u64],
    shared: &mut SharedBuffers,
    start: usize,
    time_limit: u32,
) -> Result<ChildEnd, HookError> {
    // SAFETY: the progress word is inside the mapping and only this thread and the
    // child (after fork) touch it.
    unsafe { shared.progress().write_volatile(start as u64) };
    // SAFETY: see the module documentation for what the child does before `_exit`.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(HookError::Failed(format!(
            "fork: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        // SAFETY (child): alarm and _exit are async-signal-safe; the calls run code
        // whose entry points the parent validated, on buffers inside the mapping.
        unsafe {
            // The parent's SIGSEGV/SIGBUS handlers (Rust's stack-overflow reporter)
            // would abort noisily; the default action reports the signal itself.
            libc::signal(libc::SIGSEGV, libc::SIG_DFL);
            libc::signal(libc::SIGBUS, libc::SIG_DFL);
            libc::alarm(time_limit);
            for (i, &entry) in entries.iter().enumerate().skip(start) {
                shared.progress().write_volatile(i as u64);
                if code.call_with_ptr(entry, shared.buffer(i)).is_err() {
                    libc::_exit(3);
                }
            }
            shared.progress().write_volatile(entries.len() as u64);
            libc::_exit(0);
        }
    }
    let mut status = 0;
    // SAFETY: waits for our own child.
    let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
    if rc != pid {
        return Err(HookError::Failed(format!(
            "waitpid: {}",
            std::io::Error::last_os_error()
        )));
    }
    // SAFETY: the child is gone; the word is ours again.
    let at = unsafe { shared.progress().read_volatile() } as usize;
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 && at == entries.len() {
        return Ok(ChildEnd::Finished);
    }
    let why = if libc::WIFSIGNALED(status) {
        match libc::WTERMSIG(status) {
            libc::SIGALRM => format!("did not return within {time_limit} s"),
            libc::SIGILL => "trapped (SIGILL: ud2 or an invalid instruction)".to_string(),
            libc::SIGSEGV => "crashed (SIGSEGV)".to_string(),
            libc::SIGBUS => "crashed (SIGBUS)".to_string(),
            libc::SIGFPE => "trapped (SIGFPE: integer division)".to_string(),
            s => format!("killed by signal {s}"),
        }
    } else {
        format!("child exited with status {}", libc::WEXITSTATUS(status))
    };
    Ok(ChildEnd::Died {
        at: at.min(entries.len().saturating_sub(1)),
        why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use atoll_codegen::buffer::{TextSection, TextSectionStats};

    fn text(code: Vec<u8>) -> ModuleText {
        ModuleText {
            section: TextSection {
                code,
                function_offsets: Vec::new(),
                islands: Vec::new(),
                stats: TextSectionStats::default(),
            },
            relocs: Vec::new(),
            traps: Vec::new(),
        }
    }

    /// Three entry points, bytes from `llvm-mc-14 -triple=x86_64 -show-encoding`:
    /// 0: `movl $42, (%rdi); ret`         c7 07 2a 00 00 00 c3
    /// 7: `ud2`                           0f 0b
    /// 9: `movl (%rdi), %eax; addl %eax, %eax; movl %eax, 16(%rdi); ret`
    ///                                    8b 07 01 c0 89 47 10 c3
    fn sample() -> ModuleText {
        let mut code = vec![0xc7, 0x07, 0x2a, 0x00, 0x00, 0x00, 0xc3, 0x0f, 0x0b];
        code.extend([0x8b, 0x07, 0x01, 0xc0, 0x89, 0x47, 0x10, 0xc3]);
        text(code)
    }

    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn native_runs_and_survives_a_trap() {
        let exec = NativeExecutor::default();
        let mut buffers = vec![vec![0u8; 16], vec![0u8; 16], vec![0u8; 32], vec![0u8; 16]];
        buffers[2][0] = 21;
        let outcomes = exec.run(&sample(), &[0, 7, 9, 0], &mut buffers).unwrap();
        assert_eq!(outcomes[0], CallOutcome::Returned);
        assert!(
            matches!(&outcomes[1], CallOutcome::Crashed(m) if m.contains("SIGILL")),
            "{outcomes:?}"
        );
        assert_eq!(
            outcomes[2..],
            [CallOutcome::Returned, CallOutcome::Returned]
        );
        assert_eq!(buffers[0][0], 42);
        assert_eq!(buffers[2][16], 42);
        assert_eq!(buffers[3][0], 42);
    }

    /// `callq .` (e8 fb ff ff ff: unbounded recursion) and `jmp .` (eb fe), from
    /// `llvm-mc-14 -triple=x86_64 -filetype=obj` and `objdump -d`.
    #[test]
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn stack_overflow_and_endless_loop_are_reported() {
        let exec = NativeExecutor { time_limit_secs: 1 };
        let code = text(vec![0xe8, 0xfb, 0xff, 0xff, 0xff, 0xeb, 0xfe]);
        let mut buffers = vec![vec![0u8; 16], vec![0u8; 16]];
        let outcomes = exec.run(&code, &[0, 5], &mut buffers).unwrap();
        assert_eq!(
            outcomes[0],
            CallOutcome::Crashed("crashed (SIGSEGV)".into())
        );
        assert_eq!(
            outcomes[1],
            CallOutcome::Crashed("did not return within 1 s".into())
        );
    }

    #[test]
    fn bad_inputs_are_errors() {
        let exec = NativeExecutor::default();
        assert!(matches!(
            exec.run(&sample(), &[0], &mut []),
            Err(HookError::Failed(_))
        ));
        assert!(matches!(
            exec.run(&sample(), &[100], &mut [vec![0; 16]]),
            Err(HookError::Failed(_))
        ));
    }

    #[test]
    fn foreign_targets_run_under_qemu_or_are_skipped() {
        for isa in ["aarch64", "arm"] {
            match executor_for(isa) {
                Err(HookError::Skipped(m)) => assert!(m.contains("qemu"), "{m}"),
                Err(HookError::Failed(m)) => panic!("{isa}: {m}"),
                Ok(_) => {}
            }
        }
    }
}
