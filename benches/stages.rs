//! The pipeline's stages one by one on the real booklet in `data/` (medians of several
//! runs, in one process, fonts parsed once): where a build's time goes.
//!
//!     cargo bench --bench stages            # RUNS=9 cargo bench --bench stages for more runs
//!
//! `scripts/bench.py` times whole runs of the binary; this splits them: load (YAML → model),
//! compute + check, render (templates → document tree), Typst source, Typst layout, PDF
//! export, and the DOCX writer on its own (tree → DOCX bytes, 目录 page numbers given).

use juesuan::write::{docx, pdf, typst};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `juesuan` binary, so that the stages cost what they cost there.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Runs `f` `runs` times and prints its median and minimum.
fn stage<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) -> T {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(black_box(f()));
        times.push(t.elapsed());
    }
    let min = *times.iter().min().expect("at least one run");
    println!("{name:<22} median {:8.1} ms   min {:8.1} ms", median(times).as_secs_f64() * 1e3, min.as_secs_f64() * 1e3);
    last.expect("at least one run")
}

fn main() {
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lanxian-kfq-2024");
    println!("juesuan stages — the booklet of {}, medians of {runs} runs", dir.display());
    let d = stage("load", runs, || juesuan::load::load_dir(&dir).expect("the seed loads"));
    let v = stage("compute + check", runs, || {
        let v = juesuan::compute::compute(&d);
        black_box(juesuan::check::check(&d, &v));
        v
    });
    let doc = stage("render (tree)", runs, || juesuan::render::booklet(&v).expect("the seed renders"));
    let src = stage("typst source", runs, || typst::source(&doc));
    let fonts = pdf::FontSet::embedded();
    let date = doc.meta.date.clone();
    // Typst memoizes layout across calls: the cache is emptied before each run, as in a
    // fresh process.
    let laid = stage("typst layout", runs, || {
        ::typst::comemo::evict(0);
        pdf::compile(&src, &fonts, date.as_deref()).expect("the source compiles")
    });
    let opts = pdf::PdfOptions { pdf_a: false, fallback_date: Some("2024-12-31".into()) };
    stage("pdf export", runs, || pdf::pdf(&laid, &doc.meta, &opts).expect("the PDF is written"));
    let pages = pdf::heading_pages(&laid, &doc);
    stage("page runs (all cores)", runs, || {
        ::typst::comemo::evict(0);
        pdf::heading_pages_by_runs(&doc, &fonts, &mut pdf::RunCache::default()).expect("the runs compile")
    });
    let mut filled = pdf::RunCache::default();
    pdf::heading_pages_by_runs(&doc, &fonts, &mut filled).expect("the runs compile");
    stage("page runs, cached", runs, || {
        pdf::heading_pages_by_runs(&doc, &fonts, &mut filled.clone()).expect("the runs compile")
    });
    stage("docx writer", runs, || docx::docx_with_pages(&doc, Some(&pages)).expect("the DOCX is written"));
    // The same in two steps, as a build does it: the parts while the layout runs, then the
    // 目录's page numbers and the zip once it is done.
    let mut pending: Vec<docx::PendingDocx> =
        (0..runs).map(|_| docx::docx_pending(&doc).expect("the DOCX is written")).collect();
    stage("docx parts (pending)", runs, || docx::docx_pending(&doc).expect("the DOCX is written"));
    stage("docx pages + zip", runs, || {
        let p = pending.pop().expect("one pending DOCX a run");
        p.with_pages(&pages).expect("every heading has a page").expect("the DOCX is zipped")
    });
}
