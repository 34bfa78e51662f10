//! The intermediate representation: SSA with block parameters, modelled on CLIF.
