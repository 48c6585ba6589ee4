//! Fuzz target: the loader's single pass (`juesuan::yaml::from_events`) against serde_norway.
//!
//! Input: the bytes of a project file. Where the single pass builds a project, serde_norway
//! must build the same one (compared as debug text), for every file the loader gives it; the loader's own entry point
//! (`load::parse_yaml_once`, precheck included) must not panic on anything. A difference is
//! a crash: the single pass read a file otherwise than serde_norway does.
#![no_main]

use juesuan::model::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = juesuan::load::parse_yaml_once::<Project>("p.yaml", text);
    // The loader sends files with characters libyaml refuses to serde_norway, as here.
    if !juesuan::yaml::readable_by_libyaml(text) {
        return;
    }
    let mut events = Vec::new();
    for item in saphyr_parser::Parser::new_from_str(text) {
        match item {
            Ok((event, _)) => events.push(event),
            Err(_) => return,
        }
        if events.len() > 100_000 {
            return;
        }
    }
    let Ok(fast) = juesuan::yaml::from_events::<Project>(events) else { return };
    match serde_yaml::from_str::<Project>(text) {
        Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "the single pass differs"),
        Err(e) => panic!("the single pass read a file serde_norway refuses: {e}"),
    }
});
