//! Shared by the execution tests: link raw A32 code with a C harness
//! (`arm-linux-gnueabihf-gcc -static`) and run it under `qemu-arm`.

use std::process::Command;

/// Whether the cross compiler and qemu-arm are installed; prints why not, so a test
/// can skip its execution part visibly.
pub fn cross_tools_present(test: &str) -> bool {
    for tool in ["arm-linux-gnueabihf-gcc", "qemu-arm"] {
        let ok = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("{test}: skipping execution, `{tool}` is not installed");
            return false;
        }
    }
    true
}

/// Define `symbol` (an A32 function) as `code`, link it with the C program `harness`,
/// run it under qemu-arm and return its standard output.
///
/// The code goes in its own section placed at 0x0400_0000, far above libc: a static
/// glibc whose text were split by a large code blob (the veneer test's 33 MiB gap)
/// breaks its own startup, which has nothing to do with the code under test.
pub fn link_and_run(code: &[u8], symbol: &str, harness: &str, tag: &str) -> String {
    let dir = std::env::temp_dir().join(format!("atoll-arm32-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("code.bin"), code).unwrap();
    let asm = format!(
        ".section .atoll,\"ax\",%progbits\n.arm\n.p2align 4\n.global {symbol}\n\
         .type {symbol}, %function\n{symbol}:\n.incbin \"code.bin\"\n\
         .section .note.GNU-stack,\"\",%progbits\n"
    );
    std::fs::write(dir.join("code.s"), asm).unwrap();
    std::fs::write(dir.join("main.c"), harness).unwrap();
    let gcc = Command::new("arm-linux-gnueabihf-gcc")
        .current_dir(&dir)
        .args(["-static", "-O1", "-marm", "main.c", "code.s", "-o", "prog"])
        .arg("-Wl,--section-start=.atoll=0x04000000")
        .output()
        .unwrap();
    assert!(
        gcc.status.success(),
        "link failed: {}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let out = Command::new("qemu-arm")
        .arg(dir.join("prog"))
        .output()
        .unwrap();
    assert!(out.status.success(), "qemu-arm failed: {out:?}");
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).into_owned()
}
