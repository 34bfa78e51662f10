//! The subtests, one file each.

pub mod backend;
pub mod cat;
pub mod parse_error;
pub mod precise;
pub mod unsupported;
pub mod verifier;
