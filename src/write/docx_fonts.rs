//! Fonts embedded in a finished DOCX (`build --docx-embed-fonts`), so that it renders the
//! same on a machine without 宋体, 黑体, 仿宋 or 楷体: the bundled font of each role the
//! document's house style uses (the PDF's fonts), stored as obfuscated `word/fonts/*.odttf`
//! parts as ECMA-376 Part 1 §17.8.1 describes — each referenced from its `w:font` entry of
//! the font table (`w:embedRegular` with its `w:fontKey`), with `w:embedTrueTypeFonts` in the
//! settings. A role whose family is not a bundled one (a font named in department.yaml) is
//! not embedded. The fonts are whole (a subset keeping the character map would need a font
//! writer the dependencies lack): a few megabytes each.
//!
//! This is a step after [`crate::write::docx`]: it reads the package that writer zipped,
//! edits three parts, adds the fonts and zips it again the same deterministic way.

use crate::doc::Meta;
use crate::write::docx::{pack_parts, DocxError};
use crate::write::style::{FontRole, Style};
use std::io::Read as _;

/// The roles a document of house style `st` draws with: 宋体 and 黑体 always (tables,
/// titles, strong text), 仿宋 and 楷体 where the style uses them.
fn roles(st: &Style) -> Vec<FontRole> {
    let uses = |r: FontRole| st.body_font == r || st.table_font == r || st.heading_font.contains(&r);
    [FontRole::Serif, FontRole::Sans, FontRole::Fang, FontRole::Kai].into_iter().filter(|r| uses(*r) || matches!(r, FontRole::Serif | FontRole::Sans)).collect()
}

/// The font key of a font: a GUID made from a hash of its bytes (the same font, the same
/// key: the output stays a function of the input), in the registry form Word writes.
fn font_key(data: &[u8]) -> String {
    let h = typst::utils::hash128(&data).to_be_bytes();
    let hex: String = h.iter().map(|b| format!("{b:02X}")).collect();
    format!("{{{}-{}-{}-{}-{}}}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Obfuscates a font for a DOCX (§17.8.1): its first 32 bytes XOR the 16 bytes of the key,
/// read from the GUID's hex digits last to first.
pub fn obfuscate(data: &[u8], key: &str) -> Vec<u8> {
    let digits: String = key.chars().filter(char::is_ascii_hexdigit).collect();
    let mut bytes: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap_or(0)).collect();
    bytes.reverse();
    let mut out = data.to_vec();
    for (i, b) in out.iter_mut().take(32).enumerate() {
        *b ^= bytes[i % 16];
    }
    out
}

/// `docx` (a package [`crate::write::docx`] wrote for a document with `meta`) with the
/// bundled fonts of its roles embedded.
pub fn embed_fonts(docx: &[u8], meta: &Meta) -> Result<Vec<u8>, DocxError> {
    let zerr = |e: zip::result::ZipError| DocxError(format!("zip: {e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(zerr)?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::with_capacity(zip.len() + 6);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(zerr)?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(|e| DocxError(format!("zip: {e}")))?;
        parts.push((f.name().to_string(), bytes));
    }
    let mut rels = String::new();
    let mut fonts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut table = text(&parts, "word/fontTable.xml")?;
    for (n, role) in roles(meta.style()).into_iter().enumerate() {
        let Some(data) = crate::write::pdf::bundled_font(meta.family(role)) else { continue };
        let (id, file) = (format!("rIdFont{}", n + 1), format!("font{}.odttf", n + 1));
        let key = font_key(&data);
        let entry = format!("<w:font w:name=\"{}\">", role.docx_name());
        let Some(at) = table.find(&entry) else { continue };
        let end = at + table[at..].find("</w:font>").unwrap_or(0);
        // `w:embedRegular` is the last child the entries written here have (after `w:pitch`).
        table.insert_str(end, &format!("<w:embedRegular r:id=\"{id}\" w:fontKey=\"{key}\" />"));
        rels.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/font\" Target=\"fonts/{file}\" />"
        ));
        fonts.push((format!("word/fonts/{file}"), obfuscate(&data, &key)));
    }
    if fonts.is_empty() {
        return Ok(docx.to_vec());
    }
    let table = table.replacen(
        "<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
        "<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
        1,
    );
    set(&mut parts, "word/fontTable.xml", table);
    let settings = text(&parts, "word/settings.xml")?;
    let settings = crate::write::docx::schema_order(&settings.replacen("</w:settings>", "<w:embedTrueTypeFonts /></w:settings>", 1));
    set(&mut parts, "word/settings.xml", settings);
    let types = text(&parts, "[Content_Types].xml")?.replacen(
        "<Default ",
        "<Default Extension=\"odttf\" ContentType=\"application/vnd.openxmlformats-officedocument.obfuscatedFont\" /><Default ",
        1,
    );
    set(&mut parts, "[Content_Types].xml", types);
    parts.push((
        "word/_rels/fontTable.xml.rels".into(),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"
        )
        .into_bytes(),
    ));
    parts.extend(fonts);
    pack_parts(parts.iter().map(|(n, b)| (n.as_str(), b.as_slice()))).map_err(zerr)
}

/// The text of part `name`.
fn text(parts: &[(String, Vec<u8>)], name: &str) -> Result<String, DocxError> {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .ok_or_else(|| DocxError(format!("{name} missing")))
}

/// Replaces the bytes of part `name`.
fn set(parts: &mut [(String, Vec<u8>)], name: &str, text: String) {
    if let Some(p) = parts.iter_mut().find(|(n, _)| n == name) {
        p.1 = text.into_bytes();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_xors_the_first_32_bytes_with_the_reversed_key() {
        let key = "{00112233-4455-6677-8899-AABBCCDDEEFF}";
        let data = vec![0u8; 40];
        let out = obfuscate(&data, key);
        assert_eq!(&out[..4], &[0xFF, 0xEE, 0xDD, 0xCC]);
        assert_eq!(&out[16..20], &[0xFF, 0xEE, 0xDD, 0xCC]);
        assert_eq!(&out[32..], &[0u8; 8]);
        assert_eq!(obfuscate(&out, key), data, "obfuscating twice gives the font back");
    }

    #[test]
    fn keys_are_guids_from_the_bytes() {
        let k = font_key(b"font");
        assert_eq!(k.len(), 38);
        assert!(k.starts_with('{') && k.ends_with('}') && k.matches('-').count() == 4);
        assert_eq!(k, font_key(b"font"));
        assert_ne!(k, font_key(b"other"));
    }
}
