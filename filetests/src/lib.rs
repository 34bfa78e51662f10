//! The text-format test runner (`atoll test`) and its test files under `filetests/`.

#![deny(rust_2018_idioms)]
