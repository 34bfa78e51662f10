//! Running our machine code natively: the bytes become a `.byte` blob in `.text`,
//! linked with a small C driver by the host `gcc`, and the program's output is
//! returned. The driver sees the blob as `extern char atoll_code[]`.

use std::process::Command;

/// Link `code` with the C source `driver` and run it; returns standard output.
/// Panics (failing the test) when gcc is missing, linking fails or the program
/// exits abnormally.
pub fn link_and_run(name: &str, code: &[u8], driver: &str) -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("atoll-x64-{name}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lines: Vec<String> = code
        .chunks(32)
        .map(|c| {
            format!(
                ".byte {}",
                c.iter()
                    .map(|b| format!("{b:#04x}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    let asm = format!(
        ".text\n.globl atoll_code\natoll_code:\n{}\n.section .note.GNU-stack,\"\",@progbits\n",
        lines.join("\n")
    );
    std::fs::write(dir.join("code.s"), asm).unwrap();
    std::fs::write(dir.join("main.c"), driver).unwrap();
    let exe = dir.join("run");
    let out = Command::new("gcc")
        .arg("-O1")
        .arg("-o")
        .arg(&exe)
        .arg(dir.join("main.c"))
        .arg(dir.join("code.s"))
        .output()
        .expect("gcc (Debian package `gcc`) must be installed");
    assert!(
        out.status.success(),
        "gcc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        run.status.success(),
        "program failed: {:?}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}
