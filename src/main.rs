//! The `atoll` command-line tool.

fn main() {
    println!("atoll: no subcommands yet");
}
