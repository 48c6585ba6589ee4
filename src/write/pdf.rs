//! Typst source → PDF with the `typst` and `typst-pdf` crates compiled in. The [`World`]
//! serves the generated source from memory (and the style module that runs of pages
//! import), fonts from the binary (and, when asked, from the system or `--font-path`), no
//! other file, and `today()` from the data.

use crate::doc::{Block, Document, HeadingPages, Meta};
use crate::write::style::{self, HouseStyle};
use rayon::prelude::*;
use std::fmt;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Label, Smart};
use typst::introspection::Introspector as _;
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::{LazyHash, PicoStr};
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// A bundled font: its role's default family, its compressed bytes and their key (a hash
/// `build.rs` computes, naming the font in [`crate::write::font_cache`]).
struct Bundled {
    family: &'static str,
    packed: &'static [u8],
    key: &'static str,
}

/// The bundled fonts, zstd-compressed (`scripts/subset-fonts.sh`): compressed, the four fit
/// a binary under 60 MB. Each is decompressed once per process, on first use. The first two
/// (宋体, 黑体) are in every font set, the others only where a document's family list names
/// them (the gbt9704 house style), so a document of the standard style lays out exactly as
/// before they were bundled. (A `static`, not a `const`: a constant's bytes would be copied
/// into the binary at each use.)
static BUNDLED: [Bundled; 4] = [
    Bundled {
        family: style::DEFAULT_SERIF,
        packed: include_bytes!("../../fonts/NotoSerifCJKsc-Regular-subset.otf.zst"),
        key: env!("JUESUAN_FONT_KEY_NotoSerifCJKsc_Regular_subset"),
    },
    Bundled {
        family: style::DEFAULT_SANS,
        packed: include_bytes!("../../fonts/NotoSansCJKsc-Bold-subset.otf.zst"),
        key: env!("JUESUAN_FONT_KEY_NotoSansCJKsc_Bold_subset"),
    },
    Bundled {
        family: style::DEFAULT_FANG,
        packed: include_bytes!("../../fonts/FandolFang-Regular-subset.otf.zst"),
        key: env!("JUESUAN_FONT_KEY_FandolFang_Regular_subset"),
    },
    Bundled {
        family: style::DEFAULT_KAI,
        packed: include_bytes!("../../fonts/FandolKai-Regular-subset.otf.zst"),
        key: env!("JUESUAN_FONT_KEY_FandolKai_Regular_subset"),
    },
];

/// The bytes of bundled font `i`, decompressed on first use.
fn bundled_bytes(i: usize) -> Bytes {
    static CELLS: [OnceLock<Bytes>; 4] = [const { OnceLock::new() }; 4];
    CELLS[i]
        .get_or_init(|| {
            let b = &BUNDLED[i];
            if let Some(font) = crate::write::font_cache::read(b.key) {
                return Bytes::new(font);
            }
            // The bytes are the binary's own, checked by a test: a failure here is a broken build.
            match zstd::stream::decode_all(b.packed) {
                Ok(font) => {
                    let font = Bytes::new(font);
                    crate::write::font_cache::remember(b.key, font.clone());
                    font
                }
                Err(e) => panic!("bundled font {}: {e}", b.family),
            }
        })
        .clone()
}

/// The uncompressed bytes of the bundled font of `family`, if one is bundled (for embedding
/// in a DOCX).
pub fn bundled_font(family: &str) -> Option<Bytes> {
    BUNDLED.iter().position(|b| b.family == family).map(bundled_bytes)
}

/// Starts decompressing the fonts every PDF needs on other threads, so that they are ready
/// when the first layout starts (while the data is loaded and rendered); `cache`: the folder
/// that keeps them decompressed between runs (inside the output folder).
pub fn prefetch_fonts(cache: &std::path::Path) {
    crate::write::font_cache::use_dir(cache);
    for i in 0..2 {
        std::thread::spawn(move || bundled_bytes(i));
    }
}

/// Fonts available to Typst, parsed once and shared by every compilation.
pub struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl FontSet {
    /// The fonts of every document shipped in the binary (宋体 and 黑体 roles).
    pub fn embedded() -> FontSet {
        FontSet::bundled(&[])
    }

    /// The bundled fonts of the 宋体 and 黑体 roles, and those of `families` (仿宋, 楷体).
    fn bundled(families: &[String]) -> FontSet {
        let wanted = |i: usize| i < 2 || families.iter().any(|f| f == BUNDLED[i].family);
        let fonts: Vec<Font> = (0..BUNDLED.len()).filter(|&i| wanted(i)).flat_map(|i| Font::iter(bundled_bytes(i))).collect();
        FontSet { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    }

    /// Fonts from raw font files (collections allowed).
    pub fn from_data(data: Vec<Vec<u8>>) -> FontSet {
        let fonts: Vec<Font> = data.into_iter().flat_map(|d| Font::iter(Bytes::new(d))).collect();
        FontSet { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
    }

    /// The embedded fonts plus faces of the `families` found among the system fonts and in
    /// `dirs` (so an office with 仿宋_GB2312 installed can name it in department.yaml).
    pub fn with_families(families: &[String], dirs: &[PathBuf]) -> FontSet {
        let mut set = FontSet::bundled(families);
        let known: Vec<String> = set.fonts.iter().map(|f| f.info().family.clone()).collect();
        let wanted: Vec<&String> = families.iter().filter(|f| !known.contains(f)).collect();
        if wanted.is_empty() && dirs.is_empty() {
            return set;
        }
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        for d in dirs {
            db.load_fonts_dir(d);
        }
        for face in db.faces() {
            let from_dir = matches!(&face.source, fontdb::Source::File(p) if dirs.iter().any(|d| p.starts_with(d)));
            if !from_dir && !face.families.iter().any(|(f, _)| wanted.contains(&f)) {
                continue;
            }
            if let Some((data, index)) = db.with_face_data(face.id, |data, index| (data.to_vec(), index)) {
                set.fonts.extend(Font::new(Bytes::new(data), index));
            }
        }
        set.book = LazyHash::new(FontBook::from_fonts(&set.fonts));
        set
    }

    /// Family names available.
    pub fn families(&self) -> Vec<String> {
        let mut f: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        f.dedup();
        f
    }
}

fn library() -> &'static LazyHash<Library> {
    static LIB: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIB.get_or_init(|| LazyHash::new(Library::default()))
}

struct MemoryWorld<'a> {
    fonts: &'a FontSet,
    main: Source,
    today: Option<Datetime>,
}

impl World for MemoryWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if let Some(style) = style_source_by_id(id) {
            Ok(style.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        // Generated sources read no file: nothing outside the document exists.
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// A compile failure: errors in generated source are bugs in our templates or writer.
#[derive(Debug)]
pub struct TypstError(pub String);

impl fmt::Display for TypstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TypstError {}

fn main_id() -> FileId {
    file_id("main.typ")
}

fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path).unwrap_or_else(|e| panic!("static path: {e:?}"));
    FileId::new(RootedPath::new(VirtualRoot::Project, path))
}

/// The style module of house style `h` that runs of pages import
/// ([`crate::write::typst::style_module_path`]), parsed once per process; Typst memoizes its
/// evaluation across the runs.
fn style_source(h: HouseStyle) -> &'static Source {
    static STYLES: [OnceLock<Source>; 2] = [const { OnceLock::new() }; 2];
    let i = match h {
        HouseStyle::Standard => 0,
        HouseStyle::Gbt9704 => 1,
    };
    STYLES[i].get_or_init(|| {
        Source::new(file_id(crate::write::typst::style_module_path(h)), crate::write::typst::style_module(h.style()))
    })
}

/// The style module a source imports by `id`, if `id` is one.
fn style_source_by_id(id: FileId) -> Option<&'static Source> {
    [HouseStyle::Standard, HouseStyle::Gbt9704]
        .into_iter()
        .find(|h| file_id(crate::write::typst::style_module_path(*h)) == id)
        .map(style_source)
}

/// Lays out `source`; `date` (YYYY-MM-DD from the data) answers `datetime.today()`.
pub fn compile(source: &str, fonts: &FontSet, date: Option<&str>) -> Result<PagedDocument, TypstError> {
    let world =
        MemoryWorld { fonts, main: Source::new(main_id(), source.to_string()), today: date.and_then(parse_date) };
    let warned = typst::compile::<PagedDocument>(&world);
    warned.output.map_err(|errs| TypstError(describe(&world, &errs)))
}

fn parse_date(s: &str) -> Option<Datetime> {
    let mut it = s.split('-');
    Datetime::from_ymd(it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?)
}

fn describe(world: &MemoryWorld, errs: &[SourceDiagnostic]) -> String {
    let text = world.main.text();
    errs.iter()
        .filter(|e| e.severity == Severity::Error)
        .map(|e| {
            let range = world.range(e.span);
            let line = range.map_or(0, |r| text[..r.start.min(text.len())].matches('\n').count() + 1);
            let snippet = text.lines().nth(line.saturating_sub(1)).unwrap_or("").chars().take(160).collect::<String>();
            format!("generated Typst line {line}: {}\n  | {snippet}", e.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Characters that no available font could draw (Typst shows them as glyph 0, silently).
pub fn missing_glyphs(doc: &PagedDocument) -> Vec<char> {
    let mut out = Vec::new();
    for page in doc.pages() {
        scan(&page.frame, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn scan(frame: &Frame, out: &mut Vec<char>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => scan(&g.frame, out),
            FrameItem::Text(t) => {
                // Consecutive missing glyphs are one stretch: a cluster that no font covers
                // (`Z` + a combining mark) comes out as tofu for each of its characters, and the
                // mark is what the fonts lack, not a base letter every font has.
                let mut stretch = String::new();
                for g in t.glyphs.iter() {
                    if g.id == 0 {
                        stretch.push_str(&t.text[g.range()]);
                    } else {
                        missing_in(&std::mem::take(&mut stretch), out);
                    }
                }
                missing_in(&stretch, out);
            }
            _ => {}
        }
    }
}

/// The characters of a stretch of missing glyphs to report: ASCII only where it is all there is.
fn missing_in(stretch: &str, out: &mut Vec<char>) {
    let chars = stretch.chars().filter(|c| !c.is_whitespace());
    if stretch.chars().any(|c| !c.is_ascii()) {
        out.extend(chars.filter(|c| !c.is_ascii()));
    } else {
        out.extend(chars);
    }
}

/// PDF export options.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Write PDF/A-2b for archiving.
    pub pdf_a: bool,
    /// Document date to use for PDF/A when the data gives none.
    pub fallback_date: Option<String>,
}

/// The PDF bytes of a laid-out document; deterministic for the same input.
pub fn pdf(doc: &PagedDocument, meta: &Meta, opts: &PdfOptions) -> Result<Vec<u8>, TypstError> {
    let standards = if opts.pdf_a {
        typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
            .map_err(|e| TypstError(e.message().to_string()))?
    } else {
        typst_pdf::PdfStandards::default()
    };
    let date = meta.date.clone().or_else(|| opts.pdf_a.then(|| opts.fallback_date.clone()).flatten());
    let timestamp = date.as_deref().and_then(parse_date).map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("juesuan:{}:{}", meta.author, meta.title)),
        creator: Smart::Custom(Some("juesuan".into())),
        timestamp,
        standards,
        ..Default::default()
    };
    let mut bytes = typst_pdf::pdf(doc, &options)
        .map_err(|errs| TypstError(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("\n")))?;
    finish_catalog(&mut bytes);
    Ok(bytes)
}

/// The catalog entries typst-pdf (krilla 0.8) writes for a tagged PDF, and what they become.
/// `/Suspects false` is the default, and poppler reports a present `false` as "Suspects
/// object is wrong type (boolean)" on every run of pdftotext or pdfinfo; `/Direction/L2R`
/// is the default too. `/DisplayDocTitle true` makes a viewer's title bar show the document
/// title (the cover's) rather than the file name; krilla writes it only for PDF/UA.
const CATALOG_FROM: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>/ViewerPreferences<</Direction/L2R>>";
const CATALOG_TO: &[u8] = b"/MarkInfo<</Marked true>>/ViewerPreferences<</DisplayDocTitle true>>";

/// Rewrites the catalog's mark info and viewer preferences ([`CATALOG_FROM`] →
/// [`CATALOG_TO`]) in place, padded with spaces to the same length, so every byte offset of
/// the cross-reference table stays right. Only inside the catalog object, found through the
/// trailer's `/Root`: no other object (a title string, say) is touched. A PDF not written
/// that way is left as it is.
fn finish_catalog(pdf: &mut [u8]) {
    let Some(range) = catalog_range(pdf) else { return };
    let Some(at) = find(&pdf[range.clone()], CATALOG_FROM).map(|i| range.start + i) else { return };
    let mut patch = CATALOG_TO.to_vec();
    patch.resize(CATALOG_FROM.len(), b' ');
    pdf[at..at + patch.len()].copy_from_slice(&patch);
}

/// The bytes of the catalog object, found as a reader finds it: the last trailer's `/Root
/// N 0 R`, object N's offset in the cross-reference table (one subsection from 0, as
/// typst-pdf writes it), from there to its `endobj`.
fn catalog_range(pdf: &[u8]) -> Option<std::ops::Range<usize>> {
    let number = |at: usize| -> Option<usize> {
        let digits = pdf.get(at..)?.iter().take_while(|b| b.is_ascii_digit()).count();
        std::str::from_utf8(&pdf[at..at + digits]).ok()?.parse().ok()
    };
    let trailer = rfind(pdf, b"trailer")?;
    let root = number(trailer + find(&pdf[trailer..], b"/Root ")? + b"/Root ".len())?;
    let startxref = rfind(pdf, b"startxref")?;
    let xref = number(startxref + b"startxref".len() + 1)?;
    let entries = xref + find(pdf.get(xref..)?, b"\n0 ")? + 1;
    let first = entries + find(&pdf[entries..], b"\n")? + 1;
    let start = number(first + 20 * root)?;
    let obj = format!("{root} 0 obj");
    if !pdf.get(start..)?.starts_with(obj.as_bytes()) {
        return None;
    }
    let end = start + find(&pdf[start..], b"endobj")?;
    Some(start..end)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Number of pages.
pub fn page_count(doc: &PagedDocument) -> usize {
    doc.pages().len()
}

/// The page number printed on the page of every outline heading of `doc`, from its layout
/// `laid` (the logical number, as the footer shows it: the main matter counts from 1). Each
/// heading is found by the label the Typst writer gave it
/// ([`crate::write::typst::heading_label`]).
pub fn heading_pages(laid: &PagedDocument, doc: &Document) -> HeadingPages {
    doc.blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Heading { outline: true, .. }))
        .filter_map(|(i, _)| {
            let page = heading_page(laid, i)?;
            let number = laid.pages().get(usize::try_from(page).ok()? - 1)?.number;
            Some((i, u32::try_from(number).ok()?))
        })
        .collect()
}

/// The page number of every outline heading of `doc` as its whole layout prints it, found
/// by laying out its runs of pages ([`crate::write::typst::page_runs`]) one by one,
/// on all cores, with no footer and no 目录 numbers. A DOCX-only build learns its 目录's
/// numbers this way without the PDF layout; a run found in `cache` (same source, fonts and
/// juesuan version) is not laid out again, so after an edit only the edited runs are.
pub fn heading_pages_by_runs(doc: &Document, fonts: &FontSet, cache: &mut RunCache) -> Result<HeadingPages, TypstError> {
    let runs = crate::write::typst::page_runs(doc);
    let date = doc.meta.date.as_deref();
    let faces = faces_key(fonts);
    let keys: Vec<u128> = runs.iter().map(|run| typst::utils::hash128(&(faces, &run.source))).collect();
    // Only this document's runs are kept, so the cache does not grow with every edit.
    cache.0.retain(|key, _| keys.contains(key));
    // A cached entry is used only when it fits its run (one page per heading listed, each
    // within the run); anything else is laid out again.
    let fits = |r: usize| cache.0.get(&keys[r]).is_some_and(|p| p.headings.len() == runs[r].headings.len());
    let todo: Vec<usize> = (0..runs.len()).filter(|&r| !fits(r)).collect();
    let laid: Vec<_> = todo.par_iter().map(|&r| compile(&runs[r].source, fonts, date).map(|laid| run_pages(&laid, &runs[r].headings))).collect();
    for (&r, result) in todo.iter().zip(laid) {
        cache.0.insert(keys[r], result?);
    }
    let mut out = HeadingPages::new();
    let mut offset = 0u32;
    for (run, key) in runs.iter().zip(&keys) {
        if run.restart {
            offset = 0;
        }
        let Some(pages) = cache.0.get(key) else { continue };
        out.extend(run.headings.iter().zip(&pages.headings).filter_map(|(&i, p)| p.map(|p| (i, offset.saturating_add(p)))));
        offset = offset.saturating_add(pages.count);
    }
    Ok(out)
}

/// What laying out one run of pages gave: its page count and the page (within the run) of
/// each of its outline headings (`None`: not placed, never expected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPages {
    count: u32,
    headings: Vec<Option<u32>>,
}

/// The most pages a cached run may have (a run is a form or a section; the seed's longest has
/// a few dozen).
pub const MAX_RUN_PAGES: u32 = 10_000;

/// Runs of pages laid out before, by a hash of what their layout depends on: kept between builds in a small text
/// file beside the outputs (`.juesuan/<name>.pages`), as LaTeX keeps its `.aux`. A missing,
/// stale or damaged file only costs time: every entry is checked by its key, and a line that
/// does not read is dropped.
#[derive(Debug, Clone, Default)]
pub struct RunCache(std::collections::BTreeMap<u128, RunPages>);

impl RunCache {
    /// Reads the cache text written by [`RunCache::to_text`]; a line that is not a plausible
    /// entry (a run of 1 to [`MAX_RUN_PAGES`] pages, every heading on one of them) is skipped,
    /// so a damaged or doctored file costs a layout, never a wrong 目录 number.
    pub fn from_text(text: &str) -> RunCache {
        let entry = |line: &str| {
            let mut it = line.split(' ');
            let key = u128::from_str_radix(it.next()?, 16).ok()?;
            let count: u32 = it.next()?.parse().ok().filter(|c| (1..=MAX_RUN_PAGES).contains(c))?;
            let headings: Vec<Option<u32>> = it.map(|p| if p == "-" { Ok(None) } else { p.parse().map(Some) }).collect::<Result<_, _>>().ok()?;
            headings.iter().flatten().all(|p| (1..=count).contains(p)).then_some((key, RunPages { count, headings }))
        };
        RunCache(text.lines().filter_map(entry).collect())
    }

    /// One line per run: key, page count, the page of each heading (`-`: none).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (key, pages) in &self.0 {
            let _ = write!(out, "{key:032x} {}", pages.count);
            for p in &pages.headings {
                match p {
                    Some(p) => write!(out, " {p}"),
                    None => write!(out, " -"),
                }
                .ok();
            }
            out.push('\n');
        }
        out
    }
}

/// What a run's layout depends on besides its source: the fonts (family, size and index of
/// each face) and the version of juesuan (and so of its Typst).
fn faces_key(fonts: &FontSet) -> u128 {
    let faces: Vec<(&str, usize, u32)> =
        fonts.fonts.iter().map(|f| (f.info().family.as_str(), f.data().len(), f.index())).collect();
    typst::utils::hash128(&(env!("CARGO_PKG_VERSION"), faces))
}

/// Pages of one laid-out run, and the (1-based) page within it of each of its `headings`.
fn run_pages(laid: &PagedDocument, headings: &[usize]) -> RunPages {
    RunPages {
        count: u32::try_from(laid.pages().len()).unwrap_or(u32::MAX),
        headings: headings.iter().map(|&i| heading_page(laid, i)).collect(),
    }
}

/// The (1-based) page of `laid` that holds the heading at block `i`, found by the label the
/// Typst writer gave it ([`crate::write::typst::heading_label`]).
fn heading_page(laid: &PagedDocument, i: usize) -> Option<u32> {
    let introspector = laid.introspector();
    let label = Label::new(PicoStr::intern(&crate::write::typst::heading_label(i)))?;
    let location = introspector.query_label(label).ok()?.location()?;
    u32::try_from(introspector.page(location)?.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each bundled font decompresses to one face whose family is its role's default name
    /// (what department.yaml's `fonts:` and the Typst writer name).
    #[test]
    fn bundled_fonts_decompress_to_their_role_families() {
        for (i, b) in BUNDLED.iter().enumerate() {
            let fonts: Vec<Font> = Font::iter(bundled_bytes(i)).collect();
            assert_eq!(fonts.len(), 1, "{}", b.family);
            assert_eq!(fonts[0].info().family, b.family);
        }
        assert!(bundled_font(style::DEFAULT_KAI).is_some() && bundled_font("SimSun").is_none());
    }
}
