//! The IR verifier.

mod domtree;

pub use domtree::DomTree;
