//! The loader builds each project from the YAML events of its precheck (`juesuan::yaml`)
//! instead of parsing the file a second time with serde_norway. Where it does, the project
//! must be the one serde_norway gives: checked here on every project file of the repository
//! (the real booklets and the fixtures) and on the same files rewritten in other YAML styles.

use juesuan::model::Project;
use std::path::{Path, PathBuf};

fn project_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in ["data", "tests/fixtures"] {
        walk(Path::new(env!("CARGO_MANIFEST_DIR")).join(root).as_path(), &mut out);
    }
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") && p.parent().is_some_and(|d| d.ends_with("projects")) {
            out.push(p);
        }
    }
}

fn events(text: &str) -> Vec<saphyr_parser::Event<'_>> {
    saphyr_parser::Parser::new_from_str(text).map(|r| r.expect("valid YAML").0).collect()
}

/// The single pass's project and serde_norway's, as their debug text; `None` where the
/// single pass gives up (serde_norway then reads the file, as the loader does).
fn both(text: &str) -> (Option<String>, String) {
    let slow: Project = serde_yaml::from_str(text).expect("serde_norway reads it");
    let fast = juesuan::yaml::from_events::<Project>(events(text)).ok();
    (fast.map(|p| format!("{p:?}")), format!("{slow:?}"))
}

#[test]
fn every_project_file_reads_the_same_in_one_pass() {
    let files = project_files();
    assert!(files.len() >= 30, "found only {} project files", files.len());
    let mut read = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let (fast, slow) = both(&text);
        if let Some(fast) = fast {
            assert_eq!(fast, slow, "{}", f.display());
            read += 1;
        }
    }
    // The real files use no tags, aliases or odd number forms: all are read in one pass.
    assert_eq!(read, files.len(), "the single pass gave up on some of the real files");
}

/// The same projects with every quoted value plain and every plain one double-quoted, and
/// with CRLF line ends: scalars change style, the values must not change meaning.
#[test]
fn rewritten_styles_read_the_same() {
    let mut compared = 0;
    for f in project_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let variants = [
            text.replace("\r\n", "\n").replace('\n', "\r\n"),
            text.replace(": \"", ": '").replace("\",", "',").replace("\"}", "'}").replace("\"\n", "'\n"),
        ];
        for v in variants {
            let Ok(slow) = serde_yaml::from_str::<Project>(&v) else { continue };
            let Ok(fast) = juesuan::yaml::from_events::<Project>(saphyr_parser::Parser::new_from_str(&v).filter_map(|r| r.ok()).map(|e| e.0).collect()) else { continue };
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{} rewritten", f.display());
            compared += 1;
        }
    }
    assert!(compared >= 30, "compared only {compared} rewritten files");
}

/// A project with what the single pass leaves to serde_norway (an alias, a tag) loads as
/// before, through the loader.
#[test]
fn what_the_single_pass_leaves_is_read_by_serde_norway() {
    let base = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean/projects/p01.yaml")).unwrap();
    let with_tag = base.replacen("name: ", "name: !!str ", 1);
    assert_ne!(with_tag, base);
    assert!(juesuan::yaml::from_events::<Project>(events(&with_tag)).is_err(), "a tag is left to serde_norway");
    let (p, _) = juesuan::load::parse_yaml_once::<Project>("p01.yaml", &with_tag).expect("loads through serde_norway");
    let (q, _) = juesuan::load::parse_yaml_once::<Project>("p01.yaml", &base).unwrap();
    assert_eq!(format!("{p:?}"), format!("{q:?}"));
}
