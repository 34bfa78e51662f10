//! Cross execution: run a text section's trampolines under qemu-user.
//!
//! ```text
//! ModuleText --atoll_codegen::object::write_elf--> atoll_text.o  (symbols __atoll_fn_<i>,
//!                                                   own output section: LINKER_SCRIPT)
//! buffers, entry offsets --calls_source--> calls.c (the data harness.c declares)
//! harness.c (include_str!) --<cross gcc> -c, once per process--> harness.o
//! harness.o + calls.c + atoll_text.o --<cross gcc> -static--> executable (one per `run`)
//!   --qemu-<arch> harness <first> <seconds>--> stdout protocol (see harness.c)
//!   --parse--> buffers + one CallOutcome per call
//! ```
//!
//! One executable holds every call of a `run` (the runner batches a whole file), so a
//! link (tens to hundreds of ms) is paid once. Inside the harness each call runs under
//! `sigsetjmp` with handlers for SIGILL/SIGSEGV/SIGBUS/SIGFPE/SIGTRAP/SIGALRM on an
//! alternate stack, so a trap is reported as that call's crash and the next call runs.
//! If the process dies anyway (a wild store into the harness, a stack the handler
//! cannot recover from) or stops printing for longer than the time limit (the host
//! kills it), the call in progress is reported crashed and the same executable is
//! started again at the next call: every call gets exactly one outcome.
//!
//! Tools are found on `PATH` (`qemu-aarch64`, `aarch64-linux-gnu-gcc`, `qemu-arm`,
//! `arm-linux-gnueabihf-gcc`) unless overridden by the environment variables
//! `ATOLL_QEMU_AARCH64`, `ATOLL_AARCH64_CC`, `ATOLL_QEMU_ARM` and `ATOLL_ARM_CC`
//! (a path, or a name looked up on `PATH`). A missing tool is a skip that names it
//! and the Debian package that provides it.
//!
//! Files go to a fresh directory under `ATOLL_QEMU_TMPDIR`, else `/dev/shm`, else
//! the system temporary directory. Measured on the shared 2-core machine (load ~8,
//! debug build): a batch of 200 calls links in ~110 ms (~200 ms when the process
//! also compiles the harness) and runs in ~30 ms; a 387 MiB section links in 2-5 s.
//!
//! Invariant: the temporary directory of a run is removed on every path out of
//! [`QemuExecutor::run_timed`] (it is owned by a guard).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use atoll_codegen::buffer::{CodeOffset, TextSection};
use atoll_codegen::ir::{ExternalName, TrapCode};
use atoll_codegen::isa::{CompiledFunction, ModuleFunction, ModuleText};
use atoll_codegen::object::write_elf;

use super::exec::{check_entries, CallOutcome, Executor};
use crate::env::HookError;

/// The harness source, compiled once per process and architecture.
const HARNESS_C: &str = include_str!("harness.c");

/// Puts our `.text` into its own output section after the C code's. A text section
/// of hundreds of MiB in the middle of libc's `.text` would put libc's own calls (to
/// its IFUNC PLT, for one) out of `bl` reach. `INSERT` augments the default script,
/// and a `-T` script's input rules match before the default script's.
const LINKER_SCRIPT: &str =
    "SECTIONS { .atoll_text : { *atoll_text.o(.text) } } INSERT AFTER .text;\n";

/// Extra seconds the host waits for a line beyond the per-call limit the harness
/// enforces itself with `alarm` (qemu start-up, a slow machine).
const WATCHDOG_GRACE_SECS: u64 = 10;

/// A target qemu-user can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QemuArch {
    Aarch64,
    /// 32-bit Arm, A32 code, hard-float EABI.
    Arm32,
}

/// One tool of an architecture: the default program name, the environment variable
/// that overrides it, and the Debian package that provides it.
struct ToolSpec {
    program: &'static str,
    env_var: &'static str,
    package: &'static str,
}

impl QemuArch {
    /// The `TargetIsa::name` of this architecture.
    pub fn isa_name(self) -> &'static str {
        match self {
            QemuArch::Aarch64 => "aarch64",
            QemuArch::Arm32 => "arm",
        }
    }

    fn triple(self) -> &'static str {
        match self {
            QemuArch::Aarch64 => "aarch64-unknown-linux-gnu",
            QemuArch::Arm32 => "armv7-unknown-linux-gnueabihf",
        }
    }

    fn qemu(self) -> ToolSpec {
        match self {
            QemuArch::Aarch64 => ToolSpec {
                program: "qemu-aarch64",
                env_var: "ATOLL_QEMU_AARCH64",
                package: "qemu-user",
            },
            QemuArch::Arm32 => ToolSpec {
                program: "qemu-arm",
                env_var: "ATOLL_QEMU_ARM",
                package: "qemu-user",
            },
        }
    }

    fn cc(self) -> ToolSpec {
        match self {
            QemuArch::Aarch64 => ToolSpec {
                program: "aarch64-linux-gnu-gcc",
                env_var: "ATOLL_AARCH64_CC",
                package: "gcc-aarch64-linux-gnu",
            },
            QemuArch::Arm32 => ToolSpec {
                program: "arm-linux-gnueabihf-gcc",
                env_var: "ATOLL_ARM_CC",
                package: "gcc-arm-linux-gnueabihf",
            },
        }
    }

    /// Compiler flags beyond `-static -O1`; our arm32 code is A32 with hard floats.
    fn cc_flags(self) -> &'static [&'static str] {
        match self {
            // Debian's gcc asks ld to scan all code for the Cortex-A53 errata and
            // rewrite matching sequences: that would patch our bytes, and scanning a
            // large section costs seconds.
            QemuArch::Aarch64 => &["-mno-fix-cortex-a53-835769", "-mno-fix-cortex-a53-843419"],
            QemuArch::Arm32 => &["-marm", "-mfloat-abi=hard"],
        }
    }
}

/// The cross compiler and qemu of an architecture, as found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QemuTools {
    pub cc: PathBuf,
    pub qemu: PathBuf,
}

/// Finds the tools of `arch`, or a skip naming every missing one and how to get it.
pub fn find_tools(arch: QemuArch) -> Result<QemuTools, HookError> {
    match (locate(&arch.cc()), locate(&arch.qemu())) {
        (Some(cc), Some(qemu)) => Ok(QemuTools { cc, qemu }),
        (cc, qemu) => Err(HookError::Skipped(missing_tools_message(
            arch,
            cc.is_none(),
            qemu.is_none(),
        ))),
    }
}

fn missing_tools_message(arch: QemuArch, no_cc: bool, no_qemu: bool) -> String {
    let (cc, qemu) = (arch.cc(), arch.qemu());
    let missing: Vec<String> = [(no_cc, &cc), (no_qemu, &qemu)]
        .into_iter()
        .filter(|(m, _)| *m)
        .map(|(_, t)| {
            format!(
                "{} (package {}, or set {})",
                t.program, t.package, t.env_var
            )
        })
        .collect();
    format!(
        "{} execution needs {} and {} (apt-get install {} {}); missing: {}",
        arch.isa_name(),
        qemu.program,
        cc.program,
        qemu.package,
        cc.package,
        missing.join(", ")
    )
}

/// The program for `tool`: its environment override or its default name, resolved
/// on `PATH` unless it contains a `/`.
fn locate(tool: &ToolSpec) -> Option<PathBuf> {
    let name = std::env::var_os(tool.env_var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| tool.program.into());
    let name = PathBuf::from(name);
    if name.components().count() > 1 {
        return is_executable(&name).then_some(name);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(&name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs trampolines under qemu-user (see the module documentation).
#[derive(Clone, Debug)]
pub struct QemuExecutor {
    pub arch: QemuArch,
    /// Seconds one call may run before it is reported as not returning.
    pub time_limit_secs: u32,
    pub tools: QemuTools,
}

/// Where the time of one [`QemuExecutor::run_timed`] went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QemuTimings {
    /// Writing the object and the harness, compiling and linking.
    pub link: Duration,
    /// Running under qemu (every restart included).
    pub run: Duration,
    /// How many times qemu was started.
    pub processes: u32,
}

impl QemuExecutor {
    /// An executor for `arch` with a 10 s limit per call, or a skip when a tool is
    /// missing.
    pub fn new(arch: QemuArch) -> Result<QemuExecutor, HookError> {
        Ok(QemuExecutor {
            arch,
            time_limit_secs: 10,
            tools: find_tools(arch)?,
        })
    }

    /// [`Executor::run`], also saying where the time went.
    pub fn run_timed(
        &self,
        text: &ModuleText,
        entry_offsets: &[u64],
        buffers: &mut [Vec<u8>],
    ) -> Result<(Vec<CallOutcome>, QemuTimings), HookError> {
        check_inputs(text, entry_offsets, buffers)?;
        let mut timings = QemuTimings::default();
        if buffers.is_empty() {
            return Ok((Vec::new(), timings));
        }
        let start = Instant::now();
        let dir = TempDir::new()?;
        let exe = self.build(&dir, text, entry_offsets, buffers)?;
        timings.link = start.elapsed();

        let start = Instant::now();
        let mut outcomes: Vec<Option<CallOutcome>> = vec![None; buffers.len()];
        let mut first = 0;
        while first < buffers.len() {
            timings.processes += 1;
            let end = self.run_process(&exe, first, buffers, &mut outcomes, &text.traps)?;
            first = match end {
                ProcessEnd::Finished => buffers.len(),
                ProcessEnd::Died { at, why } => {
                    outcomes[at] = Some(CallOutcome::Crashed(why));
                    at + 1
                }
            };
        }
        timings.run = start.elapsed();
        let outcomes = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                o.ok_or_else(|| HookError::Failed(format!("the harness never reported call {i}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((outcomes, timings))
    }

    /// Writes the object, `calls.c` and the harness object into `dir` and links them.
    fn build(
        &self,
        dir: &TempDir,
        text: &ModuleText,
        entry_offsets: &[u64],
        buffers: &[Vec<u8>],
    ) -> Result<PathBuf, HookError> {
        let (object, base_offset) = write_object(self.arch, text)?;
        let harness = dir.write("harness.o", &self.harness_object()?)?;
        let text_obj = dir.write("atoll_text.o", &object)?;
        let script = dir.write("atoll.ld", LINKER_SCRIPT.as_bytes())?;
        let calls = calls_source(entry_offsets, buffers, base_offset, text.section.code.len());
        let calls = dir.write("calls.c", calls.as_bytes())?;
        let exe = dir.path.join("harness");
        let mut cc = Command::new(&self.tools.cc);
        cc.args(["-static", "-O1"])
            .args(self.arch.cc_flags())
            // A build id would hash the whole (possibly huge) executable.
            .arg("-Wl,--build-id=none")
            .arg(format!("-Wl,-T,{}", script.display()))
            .arg("-o")
            .arg(&exe)
            .args([&harness, &calls, &text_obj]);
        self.run_cc(cc, "linking")?;
        Ok(exe)
    }

    /// `harness.c` compiled for this architecture, once per process (compiling it
    /// costs as much as the link; the generated data lives in `calls.c`).
    fn harness_object(&self) -> Result<Vec<u8>, HookError> {
        type Cache = Vec<(QemuArch, PathBuf, Vec<u8>)>;
        static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
        let cached = |c: &Cache| {
            c.iter()
                .find(|e| e.0 == self.arch && e.1 == self.tools.cc)
                .map(|e| e.2.clone())
        };
        if let Some(o) = cached(&CACHE.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(o);
        }
        let dir = TempDir::new()?;
        let source = dir.write("harness.c", HARNESS_C.as_bytes())?;
        let object = dir.path.join("harness.o");
        let mut cc = Command::new(&self.tools.cc);
        cc.args(["-c", "-O1"])
            .args(self.arch.cc_flags())
            .arg("-o")
            .arg(&object)
            .arg(&source);
        self.run_cc(cc, "compiling")?;
        let bytes = std::fs::read(&object)
            .map_err(|e| HookError::Failed(format!("reading harness.o: {e}")))?;
        let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        if cached(&cache).is_none() {
            cache.push((self.arch, self.tools.cc.clone(), bytes.clone()));
        }
        Ok(bytes)
    }

    /// Runs the cross compiler; a failure carries its diagnostics.
    fn run_cc(&self, mut cc: Command, what: &str) -> Result<(), HookError> {
        let out = cc
            .output()
            .map_err(|e| HookError::Failed(format!("running {}: {e}", self.tools.cc.display())))?;
        if out.status.success() {
            return Ok(());
        }
        Err(HookError::Failed(format!(
            "{what} the {} harness failed ({}):\n{}",
            self.arch.isa_name(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )))
    }

    /// Runs the harness from call `first` and records what it reports.
    fn run_process(
        &self,
        exe: &Path,
        first: usize,
        buffers: &mut [Vec<u8>],
        outcomes: &mut [Option<CallOutcome>],
        traps: &[(CodeOffset, TrapCode)],
    ) -> Result<ProcessEnd, HookError> {
        let mut child = Command::new(&self.tools.qemu)
            .arg(exe)
            .arg(first.to_string())
            .arg(self.time_limit_secs.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                HookError::Failed(format!("running {}: {e}", self.tools.qemu.display()))
            })?;
        let lines = spawn_line_reader(&mut child)?;
        let watchdog = Duration::from_secs(u64::from(self.time_limit_secs) + WATCHDOG_GRACE_SECS);
        let mut current: Option<usize> = None;
        let mut done = false;
        let mut killed = false;
        loop {
            match lines.recv_timeout(watchdog) {
                Ok(line) => match parse_line(&line, buffers)? {
                    Report::Start(i) => current = Some(i),
                    Report::Returned(i) => {
                        outcomes[i] = Some(CallOutcome::Returned);
                        current = None;
                    }
                    Report::Crashed { at, sig, pc } => {
                        outcomes[at] = Some(CallOutcome::Crashed(crash_message(sig, pc, traps)));
                        current = None;
                    }
                    Report::Done => done = true,
                },
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // The harness's own alarm did not fire: kill it; the reader then
                    // sees end of file.
                    let _ = child.kill();
                    killed = true;
                }
            }
        }
        let output = child
            .wait_with_output()
            .map_err(|e| HookError::Failed(format!("waiting for qemu: {e}")))?;
        let status = output.status;
        if done && status.success() {
            return Ok(ProcessEnd::Finished);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = if killed {
            format!(
                "did not return within {} s (harness killed)",
                self.time_limit_secs
            )
        } else {
            use std::os::unix::process::ExitStatusExt as _;
            match status.signal() {
                Some(sig) => format!("the harness died ({})", signal_name(sig)),
                None => format!("the harness exited with {status}"),
            }
        };
        match current {
            Some(at) => Ok(ProcessEnd::Died { at, why }),
            None => Err(HookError::Failed(format!(
                "the {} harness stopped outside a call: {why}\n{}",
                self.arch.isa_name(),
                stderr.trim_end()
            ))),
        }
    }
}

impl Executor for QemuExecutor {
    fn run(
        &self,
        text: &ModuleText,
        entry_offsets: &[u64],
        buffers: &mut [Vec<u8>],
    ) -> Result<Vec<CallOutcome>, HookError> {
        self.run_timed(text, entry_offsets, buffers).map(|(o, _)| o)
    }
}

/// [`check_entries`], and no relocation left: the object would need the symbols.
fn check_inputs(
    text: &ModuleText,
    entry_offsets: &[u64],
    buffers: &[Vec<u8>],
) -> Result<(), HookError> {
    check_entries(text, entry_offsets, buffers.len())?;
    match text.relocs.first() {
        Some(r) => Err(HookError::Failed(format!(
            "the text section still has {} relocation(s) (first: {:?} to {})",
            text.relocs.len(),
            r.kind,
            r.target
        ))),
        None => Ok(()),
    }
}

/// How one qemu process ended when it did not finish every call.
enum ProcessEnd {
    Finished,
    /// It died (or was killed) during call `at`.
    Died {
        at: usize,
        why: String,
    },
}

/// The object file of `text`, and the section offset of its symbol `__atoll_fn_0`
/// (the harness's `ATOLL_BASE`). Each function offset gets a symbol
/// `__atoll_fn_<i>` (the names of the module's functions are not known here, and the
/// harness needs only one); a section without functions gets one at offset 0.
fn write_object(arch: QemuArch, text: &ModuleText) -> Result<(Vec<u8>, u64), HookError> {
    let triple = arch
        .triple()
        .parse()
        .map_err(|e| HookError::Failed(format!("triple {}: {e:?}", arch.triple())))?;
    let with_base;
    let text = if text.section.function_offsets.is_empty() {
        with_base = ModuleText {
            section: TextSection {
                function_offsets: vec![0],
                ..text.section.clone()
            },
            relocs: Vec::new(),
            traps: Vec::new(),
        };
        &with_base
    } else {
        text
    };
    let offsets = &text.section.function_offsets;
    let names: Vec<ExternalName> = (0..offsets.len())
        .map(|i| ExternalName::TestCase(format!("__atoll_fn_{i}")))
        .collect();
    // Symbol sizes come from the code length; zero-sized symbols are enough to link.
    let empty = CompiledFunction::default();
    let funcs: Vec<ModuleFunction<'_>> = names
        .iter()
        .map(|name| ModuleFunction {
            name,
            compiled: &empty,
        })
        .collect();
    let object = write_elf(&triple, text, &funcs).map_err(|e| HookError::Failed(e.to_string()))?;
    Ok((object, offsets[0]))
}

/// `calls.c`: the data `harness.c` declares (see there for the names).
fn calls_source(
    entry_offsets: &[u64],
    buffers: &[Vec<u8>],
    base_offset: u64,
    text_len: usize,
) -> String {
    use core::fmt::Write as _;
    let mut offsets = Vec::with_capacity(buffers.len());
    let mut total = 0usize;
    for b in buffers {
        offsets.push(total);
        total += b.len().div_ceil(16).max(1) * 16;
    }
    let mut s = String::from("#include <stdint.h>\n");
    let _ = writeln!(s, "const unsigned atoll_ncalls = {}u;", buffers.len());
    let _ = writeln!(s, "const uintptr_t atoll_base_offset = {base_offset}u;");
    let _ = writeln!(s, "const uintptr_t atoll_text_len = {text_len}u;");
    let list = |s: &mut String, decl: &str, items: &mut dyn Iterator<Item = String>| {
        let _ = write!(s, "{decl}[] = {{");
        for (k, item) in items.enumerate() {
            let _ = write!(s, "{}{item}u,", if k % 16 == 0 { "\n    " } else { " " });
        }
        let _ = writeln!(s, "\n    0}};");
    };
    list(
        &mut s,
        "const uintptr_t atoll_entry",
        &mut entry_offsets.iter().map(u64::to_string),
    );
    list(
        &mut s,
        "const uintptr_t atoll_buf_off",
        &mut offsets.iter().map(usize::to_string),
    );
    list(
        &mut s,
        "const unsigned atoll_buf_len",
        &mut buffers.iter().map(|b| b.len().to_string()),
    );
    let mut data = vec![0u8; total.max(1)];
    for (b, &off) in buffers.iter().zip(&offsets) {
        data[off..off + b.len()].copy_from_slice(b);
    }
    let _ = write!(
        s,
        "unsigned char atoll_data[{}] __attribute__((aligned(16))) = {{",
        data.len()
    );
    for (i, byte) in data.iter().enumerate() {
        let _ = write!(s, "{}{byte},", if i % 32 == 0 { "\n    " } else { "" });
    }
    let _ = writeln!(s, "\n}};");
    s
}

/// One line of the harness's protocol.
enum Report {
    Start(usize),
    Returned(usize),
    /// Stopped by signal `sig` at section offset `pc` (if inside the section).
    Crashed {
        at: usize,
        sig: i32,
        pc: Option<u64>,
    },
    Done,
}

/// Parses one line; a `R` line's bytes go into `buffers`. A line that does not follow
/// the protocol is an error (the harness and this parser disagree).
fn parse_line(line: &str, buffers: &mut [Vec<u8>]) -> Result<Report, HookError> {
    let bad = || HookError::Failed(format!("unexpected line from the harness: {line:?}"));
    let mut words = line.split(' ');
    let tag = words.next().ok_or_else(bad)?;
    if tag == "D" {
        return Ok(Report::Done);
    }
    let i: usize = words
        .next()
        .and_then(|w| w.parse().ok())
        .filter(|&i| i < buffers.len())
        .ok_or_else(bad)?;
    match tag {
        "S" => Ok(Report::Start(i)),
        "R" => {
            let hex = words.next().unwrap_or("");
            if hex.len() != 2 * buffers[i].len() {
                return Err(bad());
            }
            for (k, byte) in buffers[i].iter_mut().enumerate() {
                *byte = u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).map_err(|_| bad())?;
            }
            Ok(Report::Returned(i))
        }
        "C" => {
            let sig: i32 = words.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
            let pc = match words.next().ok_or_else(bad)? {
                "-" => None,
                hex => Some(u64::from_str_radix(hex, 16).map_err(|_| bad())?),
            };
            Ok(Report::Crashed { at: i, sig, pc })
        }
        _ => Err(bad()),
    }
}

/// What a call stopped by `sig` at section offset `pc` did, with the trap code
/// recorded there if any.
fn crash_message(sig: i32, pc: Option<u64>, traps: &[(CodeOffset, TrapCode)]) -> String {
    if sig == SIGALRM {
        return "did not return within the time limit (SIGALRM)".to_string();
    }
    let Some(pc) = pc else {
        return format!("trapped ({})", signal_name(sig));
    };
    match traps.binary_search_by_key(&pc, |t| t.0) {
        Ok(k) => format!(
            "trapped ({} at .text+{pc:#x}: trap {})",
            signal_name(sig),
            traps[k].1
        ),
        Err(_) => format!("trapped ({} at .text+{pc:#x})", signal_name(sig)),
    }
}

/// `SIGALRM`: the harness's per-call time limit.
const SIGALRM: i32 = 14;

/// Signal numbers as Linux numbers them on arm, aarch64 and x86_64 alike.
fn signal_name(sig: i32) -> String {
    match sig {
        4 => "SIGILL: udf or an invalid instruction".to_string(),
        5 => "SIGTRAP: brk or bkpt".to_string(),
        6 => "SIGABRT".to_string(),
        7 => "SIGBUS".to_string(),
        8 => "SIGFPE".to_string(),
        9 => "SIGKILL".to_string(),
        11 => "SIGSEGV".to_string(),
        14 => "SIGALRM".to_string(),
        other => format!("signal {other}"),
    }
}

/// Reads the child's stdout line by line on a thread; the channel closes at EOF.
fn spawn_line_reader(child: &mut Child) -> Result<mpsc::Receiver<String>, HookError> {
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| HookError::Failed("qemu has no stdout pipe".into()))?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A fresh directory under the first of [`temp_roots`] that accepts one.
    fn new() -> Result<TempDir, HookError> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("atoll-qemu-{}-{n}", std::process::id());
        let mut last_error = None;
        for root in temp_roots() {
            let path = root.join(&name);
            let _ = std::fs::remove_dir_all(&path);
            match std::fs::create_dir_all(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) => last_error = Some(format!("creating {}: {e}", path.display())),
            }
        }
        Err(HookError::Failed(
            last_error.unwrap_or_else(|| "no temporary directory".to_string()),
        ))
    }

    /// Writes `bytes` to `name` in the directory and returns its path.
    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, HookError> {
        let path = self.path.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| HookError::Failed(format!("writing {}: {e}", path.display())))?;
        Ok(path)
    }
}

/// Where run directories may go: `ATOLL_QEMU_TMPDIR` alone if set; else `/dev/shm`
/// (a large text section is written twice, as the object and the executable, and
/// memory is much faster than a disk for that), then the system temporary directory.
fn temp_roots() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("ATOLL_QEMU_TMPDIR").filter(|d| !d.is_empty()) {
        return vec![dir.into()];
    }
    vec![PathBuf::from("/dev/shm"), std::env::temp_dir()]
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines_table() {
        let mut bufs = vec![vec![0u8; 4], vec![0u8; 2]];
        let cases: &[(&str, Option<&str>)] = &[
            ("S 1", Some("start 1")),
            ("R 0 2a000001", Some("returned 0")),
            ("C 1 4 1c", Some("crashed 1: 4 Some(28)")),
            ("C 0 11 -", Some("crashed 0: 11 None")),
            ("C 0 11 zz", None),
            ("D", Some("done")),
            ("R 0 2a00", None),
            ("R 2 0000", None),
            ("X 0", None),
            ("S", None),
        ];
        for &(line, want) in cases {
            let got = parse_line(line, &mut bufs).ok().map(|r| match r {
                Report::Start(i) => format!("start {i}"),
                Report::Returned(i) => format!("returned {i}"),
                Report::Crashed { at, sig, pc } => format!("crashed {at}: {sig} {pc:?}"),
                Report::Done => "done".to_string(),
            });
            assert_eq!(got.as_deref(), want, "{line}");
        }
        assert_eq!(bufs[0], [0x2a, 0, 0, 1]);
    }

    #[test]
    fn crash_messages_table() {
        let traps = [(0x1c, TrapCode::INTEGER_DIVISION_BY_ZERO)];
        let cases: &[(i32, Option<u64>, &str)] = &[
            (
                4,
                Some(0x1c),
                "trapped (SIGILL: udf or an invalid instruction at .text+0x1c: trap int_divz)",
            ),
            (
                4,
                Some(0x20),
                "trapped (SIGILL: udf or an invalid instruction at .text+0x20)",
            ),
            (11, None, "trapped (SIGSEGV)"),
            (
                14,
                Some(0),
                "did not return within the time limit (SIGALRM)",
            ),
        ];
        for &(sig, pc, want) in cases {
            assert_eq!(crash_message(sig, pc, &traps), want);
        }
    }

    #[test]
    fn header_embeds_buffers_aligned() {
        let h = calls_source(&[0, 8], &[vec![1, 2, 3], vec![4; 20]], 0, 64);
        assert!(h.contains("atoll_ncalls = 2u;"), "{h}");
        assert!(h.contains("atoll_text_len = 64u;"), "{h}");
        assert!(h.contains("atoll_data[48]"), "{h}");
        assert!(h.contains("atoll_buf_off[] = {\n    0u, 16u,"), "{h}");
        assert!(h.contains("atoll_buf_len[] = {\n    3u, 20u,"), "{h}");
    }

    #[test]
    fn missing_tools_name_the_package() {
        let spec = ToolSpec {
            program: "atoll-no-such-tool",
            env_var: "ATOLL_TEST_NO_SUCH_TOOL",
            package: "none",
        };
        assert_eq!(locate(&spec), None);
        let cases = [
            (
                QemuArch::Aarch64,
                true,
                false,
                "aarch64 execution needs qemu-aarch64 and aarch64-linux-gnu-gcc (apt-get install qemu-user \
                 gcc-aarch64-linux-gnu); missing: aarch64-linux-gnu-gcc (package gcc-aarch64-linux-gnu, or set \
                 ATOLL_AARCH64_CC)",
            ),
            (
                QemuArch::Arm32,
                true,
                true,
                "arm execution needs qemu-arm and arm-linux-gnueabihf-gcc (apt-get install qemu-user \
                 gcc-arm-linux-gnueabihf); missing: arm-linux-gnueabihf-gcc (package gcc-arm-linux-gnueabihf, \
                 or set ATOLL_ARM_CC), qemu-arm (package qemu-user, or set ATOLL_QEMU_ARM)",
            ),
        ];
        for (arch, no_cc, no_qemu, want) in cases {
            assert_eq!(missing_tools_message(arch, no_cc, no_qemu), want);
        }
    }
}
