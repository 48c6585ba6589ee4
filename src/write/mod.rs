//! Stage 5 — write: a [`crate::doc::Document`] → bytes of one format. Writers are pure
//! functions; only the CLI touches the file system.

pub mod style;
pub mod pdf;
pub mod font_cache;
pub mod typst;
pub mod docx;
pub mod docx_fonts;
