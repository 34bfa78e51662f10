//! The machine-instruction framework shared by every backend.
//!
//! So far: register types ([`Reg`], [`Writable`]). The backend traits, VCode (which
//! implements `regalloc2::Function`), the lowering context and the ABI framework
//! arrive with the first backend.

mod reg;

pub use reg::{Reg, RegClass, Writable};
pub use regalloc2::{PReg, VReg};
