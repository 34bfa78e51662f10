//! Deferred trap stubs: a conditional branch to a label whose single trapping
//! instruction is written in the next island, out of the hot path.

use super::MachLabel;
use crate::ir::TrapCode;

#[derive(Debug, Default)]
pub(crate) struct DeferredTraps {
    pending: Vec<(MachLabel, TrapCode)>,
}

impl DeferredTraps {
    pub(crate) fn push(&mut self, label: MachLabel, code: TrapCode) {
        self.pending.push((label, code));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn take(&mut self) -> Vec<(MachLabel, TrapCode)> {
        std::mem::take(&mut self.pending)
    }
}
