//! `juesuan` — 部门决算公开 booklets and 项目支出绩效自评报告 from YAML.
//!
//! The pipeline, one module per stage:
//! [`load`] (YAML → [`model`]) → [`compute`] (derived figures) → [`check`] (勾稽关系)
//! → render (templates → document) → write (PDF, DOCX).

pub mod check;
pub mod kemu;
pub mod compute;
pub mod diag;
pub mod forms;
pub mod layout;
pub mod load;
pub mod yaml;
pub mod model;
pub mod money;
pub mod source;
pub mod doc;
pub mod write;
pub mod render;
pub mod build;
pub mod sample;
pub mod scaffold;
pub mod watch;
pub mod batch;
pub mod xlsx;
