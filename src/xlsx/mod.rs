//! Excel in and out (issue #12): `export` writes every form of a department's layout as a
//! sheet of one workbook, laid out as printed; `import` reads such workbooks (ours and the
//! ones departments keep) back into the YAML inputs.
//!
//! Both sides take the forms from the layout (`layout.yaml`), never from a list in Rust:
//! the export draws each form through the layout's own `tables.jinja` (the same document
//! tree the PDF and the DOCX are written from, so every figure is the printed one), and the
//! import finds a form by its title and its columns by their header text.
//!
//! Money never passes through a float on the way in: a numeric cell's double is read as its
//! shortest round-trip decimal text (Rust's `Display` of `f64`), see [`import::cell_amount`].

pub mod export;
pub mod import;
mod projects;

/// `B12` for the zero-based `row`, `col` (a spreadsheet's own way of naming a cell).
pub fn cell_name(row: u32, col: u32) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).unwrap_or_default(), row + 1)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in `taken`.
pub fn sheet_name(want: &str, taken: &[String]) -> String {
    let clean: String = want.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() { "Sheet".into() } else { clean.chars().take(31).collect() };
    let mut name = base.clone();
    let mut i = 2;
    while taken.iter().any(|t| t.to_lowercase() == name.to_lowercase()) {
        let suffix = format!("({i})");
        name = format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
        i += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 1), "B12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(4, 701), "ZZ5");
        assert_eq!(cell_name(4, 702), "AAA5");
    }

    #[test]
    fn sheet_names() {
        assert_eq!(sheet_name("公开01表", &[]), "公开01表");
        assert_eq!(sheet_name("a/b", &[]), "a_b");
        assert_eq!(sheet_name("x", &["X".into()]), "x(2)");
        assert_eq!(sheet_name(&"长".repeat(40), &[]).chars().count(), 31);
    }
}
