//! Shared and per-ISA settings, declared once as tables.
