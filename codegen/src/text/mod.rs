//! The CLIF text format: parser and printer.
