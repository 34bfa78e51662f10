//! Link AArch64 assembly with a C harness (`aarch64-linux-gnu-gcc -static`) and run
//! it under `qemu-aarch64`.

use std::process::Command;

/// Whether the cross compiler and qemu are installed; prints why a test is skipped.
pub fn tools_present() -> bool {
    let ok = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let present = ok("aarch64-linux-gnu-gcc") && ok("qemu-aarch64");
    if !present {
        eprintln!("skipped: aarch64-linux-gnu-gcc or qemu-aarch64 missing (Debian gcc-aarch64-linux-gnu, qemu-user)");
    }
    present
}

/// Link `asm` with the C `harness`, run it, and return its standard output; panics
/// when linking fails or the program does not exit with status 0.
pub fn run(name: &str, asm: &str, harness: &str) -> String {
    let dir = std::env::temp_dir().join(format!("atoll-a64-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("code.s"), asm).unwrap();
    std::fs::write(dir.join("main.c"), harness).unwrap();
    let exe = dir.join("t");
    let out = Command::new("aarch64-linux-gnu-gcc")
        .args(["-static", "-O1", "-o"])
        .arg(&exe)
        .arg(dir.join("main.c"))
        .arg(dir.join("code.s"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "link failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("qemu-aarch64").arg(&exe).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "run failed ({:?}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
