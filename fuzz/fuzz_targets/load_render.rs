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
//! Oracle ([`check_typst`]): the generated Typst source parses without error and what
//! follows the style file holds code only, no markup (data reaches Typst only inside string
//! literals), no call of `panic`/`read`/`eval`/…, no include/import, only plain labels.
//! Set `JUESUAN_FUZZ_RENDER_ERR=panic` to also treat a render error as a crash: a render
//! error is an internal error of templates or markup ("a bug in templates or writers").
//! Set `JUESUAN_FUZZ_DUMP=DIR` to write each generated Typst source to `DIR/<what>.typ`
//! (to look at what an input produces).
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

/// Panics (a crash) when the generated Typst source `src` of `what` fails [`check_typst`].
fn typst_ok(src: &str, what: &str) {
    if let Ok(dir) = std::env::var("JUESUAN_FUZZ_DUMP") {
        let _ = std::fs::write(Path::new(&dir).join(format!("{what}.typ")), src);
    }
    if let Err((at, problem)) = check_typst(src) {
        let from = src.floor_char_boundary(at.saturating_sub(160));
        let to = src.ceil_char_boundary((at + 160).min(src.len()));
        panic!("{what}: generated Typst source: {problem} at byte {at}: …{}…", &src[from..to]);
    }
}

/// Checks the generated Typst source `src`: it parses without error, and after the style
/// file (`write::typst::STYLE`: the part made from the document tree) it holds no markup
/// syntax (text, emphasis, headings, math, raw, references, escapes…), only code: every text
/// of the data is inside a string literal. Also no call of a function that reads files or aborts,
/// and only plain labels. Returns the first problem: (byte offset, description).
fn check_typst(src: &str) -> Result<(), (usize, String)> {
    use typst_syntax::{LinkedNode, SyntaxKind as K};
    let style = juesuan::write::typst::STYLE;
    // The writer puts settings and the style file first; the rest comes from the tree.
    let Some(body) = src.find(style).map(|i| i + style.len()) else {
        return Err((0, "the style file is not in the source: update this oracle to the writer".into()));
    };
    let root = typst_syntax::parse(src);
    let mut stack = vec![LinkedNode::new(&root)];
    while let Some(n) = stack.pop() {
        let at = n.offset();
        if n.kind() == K::Error {
            let (errors, _) = root.errors_and_warnings();
            let msg = errors.first().map_or(String::from("?"), |e| e.message.to_string());
            return Err((at, format!("syntax error ({} in all; first: {msg})", errors.len())));
        }
        if at >= body {
            let bad = match n.kind() {
                K::Shebang | K::BlockComment | K::Text | K::Linebreak | K::Parbreak | K::Escape
                | K::Shorthand | K::SmartQuote | K::Strong | K::Emph | K::Raw | K::Link | K::Ref
                | K::Heading | K::ListItem | K::EnumItem | K::TermItem | K::Equation | K::Math
                | K::ModuleInclude | K::ModuleImport | K::Contextual => true,
                K::Ident => matches!(
                    n.leaf_text().as_str(),
                    "panic" | "eval" | "read" | "plugin" | "json" | "yaml" | "toml" | "csv" | "xml"
                        | "cbor" | "image" | "bibliography" | "sys"
                ),
                K::Label => !n.leaf_text().trim_start_matches('<').trim_end_matches('>').bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                _ => false,
            };
            if bad {
                let text: String = src[n.range()].chars().take(80).collect();
                return Err((at, format!("{:?} in the generated part: `{text}`", n.kind())));
            }
        }
        // Depth-first, in source order.
        let kids: Vec<_> = n.children().collect();
        stack.extend(kids.into_iter().rev());
    }
    Ok(())
}

fn pipeline(dir: &Path) {
    let Ok(d) = juesuan::load::load_dir(dir) else { return };
    let v = juesuan::compute::compute(&d);
    let findings = juesuan::check::check(&d, &v);
    std::hint::black_box(&findings);
    // `juesuan build` renders whatever `check` found (unless --strict), so render always.
    match juesuan::render::booklet(&v) {
        Ok(doc) => typst_ok(&juesuan::write::typst::source(&doc), "booklet"),
        Err(e) if render_err_panics() => panic!("booklet render error: {e}"),
        Err(_) => {}
    }
    // `juesuan build --report ID`: one report on its own (a few at most, for speed).
    for p in v.projects.iter().take(4) {
        match juesuan::render::report(&v, &p.id) {
            Ok(doc) => typst_ok(&juesuan::write::typst::source(&doc), &p.id),
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
