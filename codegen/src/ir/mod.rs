//! The intermediate representation: SSA with block parameters, modelled on CLIF.

mod trapcode;

pub use trapcode::TrapCode;
