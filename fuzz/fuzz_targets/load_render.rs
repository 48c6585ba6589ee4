//! Fuzz target: load → compute → check → render → Typst source, over a department folder
//! in which ONE file is replaced by fuzzer bytes.
//!
//! Input format: the first byte picks a slot (`byte % SLOTS.len()`), the rest is the new
//! content of that file (raw bytes: invalid UTF-8 is part of what is tested). The other
//! files are those of `tests/fixtures/clean` (embedded in the binary). The last slot adds a
//! fourth project file, `projects/p99.yaml`, which is removed again after the run.
//!
//! Panics, aborts, timeouts and running out of memory are crashes; `Err` results
//! (load errors, check findings, render errors) are expected outcomes.
//! Set `JUESUAN_FUZZ_RENDER_ERR=panic` to also treat a render error as a crash: a render
//! error is an internal error of templates or markup ("a bug in templates or writers").
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `(relative path, original content)`; `None` content: the file does not exist in the base.
const SLOTS: &[(&str, Option<&str>)] = &[
    ("department.yaml", Some(include_str!("../../tests/fixtures/clean/department.yaml"))),
    ("tables/01-summary.yaml", Some(include_str!("../../tests/fixtures/clean/tables/01-summary.yaml"))),
    ("tables/02-income.yaml", Some(include_str!("../../tests/fixtures/clean/tables/02-income.yaml"))),
    ("tables/03-expenditure.yaml", Some(include_str!("../../tests/fixtures/clean/tables/03-expenditure.yaml"))),
    ("tables/04-fiscal.yaml", Some(include_str!("../../tests/fixtures/clean/tables/04-fiscal.yaml"))),
    ("tables/05-general-budget.yaml", Some(include_str!("../../tests/fixtures/clean/tables/05-general-budget.yaml"))),
    ("tables/06-basic-detail.yaml", Some(include_str!("../../tests/fixtures/clean/tables/06-basic-detail.yaml"))),
    ("tables/07-gov-fund.yaml", Some(include_str!("../../tests/fixtures/clean/tables/07-gov-fund.yaml"))),
    ("tables/08-soe-capital.yaml", Some(include_str!("../../tests/fixtures/clean/tables/08-soe-capital.yaml"))),
    ("tables/09-three-public.yaml", Some(include_str!("../../tests/fixtures/clean/tables/09-three-public.yaml"))),
    ("tables/10-statistics.yaml", Some(include_str!("../../tests/fixtures/clean/tables/10-statistics.yaml"))),
    ("explanation.yaml", Some(include_str!("../../tests/fixtures/clean/explanation.yaml"))),
    ("glossary.yaml", Some(include_str!("../../tests/fixtures/clean/glossary.yaml"))),
    ("projects/p01.yaml", Some(include_str!("../../tests/fixtures/clean/projects/p01.yaml"))),
    ("projects/p02.yaml", Some(include_str!("../../tests/fixtures/clean/projects/p02.yaml"))),
    ("projects/p03.yaml", Some(include_str!("../../tests/fixtures/clean/projects/p03.yaml"))),
    ("projects/p99.yaml", None),
];

/// The per-process department folder, holding the base fixture.
fn dept() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("juesuan-fuzz-{}", std::process::id()));
        let dir = root.join("dept");
        let _ = std::fs::remove_dir_all(&root);
        for (rel, text) in SLOTS {
            if let Some(text) = text {
                let p = dir.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, text).unwrap();
            }
        }
        dir
    })
}

fn render_err_panics() -> bool {
    static FLAG: OnceLock<bool> = OnceLock::new();
    *FLAG.get_or_init(|| std::env::var("JUESUAN_FUZZ_RENDER_ERR").is_ok_and(|v| v == "panic"))
}

fn pipeline(dir: &Path) {
    let Ok(d) = juesuan::load::load_dir(dir) else { return };
    let v = juesuan::compute::compute(&d);
    let findings = juesuan::check::check(&d, &v);
    std::hint::black_box(&findings);
    // `juesuan build` renders whatever `check` found (unless --strict), so render always.
    match juesuan::render::booklet(&v) {
        Ok(doc) => {
            let src = juesuan::write::typst::source(&doc);
            std::hint::black_box(&src);
        }
        Err(e) if render_err_panics() => panic!("booklet render error: {e}"),
        Err(_) => {}
    }
    // `juesuan build --report ID`: one report on its own (a few at most, for speed).
    for p in v.projects.iter().take(4) {
        match juesuan::render::report(&v, &p.id) {
            Ok(doc) => {
                std::hint::black_box(juesuan::write::typst::source(&doc));
            }
            Err(e) if render_err_panics() => panic!("report {} render error: {e}", p.id),
            Err(_) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else { return };
    let (rel, original) = SLOTS[pick as usize % SLOTS.len()];
    let dir = dept();
    let path = dir.join(rel);
    std::fs::write(&path, content).unwrap();
    // Put the base file back afterwards (a panic aborts the process: libfuzzer-sys's panic
    // hook calls abort, and the next process starts from a fresh folder anyway).
    struct Restore<'a>(&'a Path, Option<&'static str>);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            match self.1 {
                Some(text) => std::fs::write(self.0, text).unwrap(),
                None => {
                    let _ = std::fs::remove_file(self.0);
                }
            }
        }
    }
    let _restore = Restore(&path, original);
    pipeline(dir);
});
