//! The bundled fonts decompressed, kept between runs in the output folder
//! (`OUT/.juesuan/fonts/`, beside the page cache): decompressing the 13 MB of Noto costs a
//! run 30–60 ms of CPU, reading them back a few. Nothing is written outside the output
//! folder; a run that names none (`check`, the library) keeps no cache. A file is named by
//! the key of the compressed font it comes from (computed by `build.rs`), and ends with a
//! checksum of its bytes: a file that does not check out, or a folder that cannot be read
//! or written, costs the decompression, never a wrong font. `JUESUAN_FONT_CACHE=off` turns
//! it off.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Length of the checksum that ends every file.
const HASH_LEN: usize = 4;

/// The cache folder of this process, set once by the CLI from the output folder.
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// Keeps the decompressed fonts in `dir` (the output folder's `.juesuan/fonts`) from now
/// on; the first call wins.
pub fn use_dir(dir: &Path) {
    let _ = DIR.set(dir.to_path_buf());
}

/// The cache folder, if one was set and the cache is not turned off.
fn dir() -> Option<PathBuf> {
    if std::env::var_os("JUESUAN_FONT_CACHE").is_some_and(|v| v == "off") {
        return None;
    }
    DIR.get().cloned()
}

/// CRC-32 of a file's font bytes: it catches a damaged file, and at some 10 GB/s (the
/// processor's carry-less multiply) costs a run a millisecond or two, where a 128-bit hash of
/// the 13 MB took a good part of what the cache saves.
fn hash(data: &[u8]) -> [u8; HASH_LEN] {
    crc32fast::hash(data).to_le_bytes()
}

/// The font of `key` as cached, if a file is there and checks out.
pub fn read(key: &str) -> Option<Vec<u8>> {
    read_in(&dir()?, key)
}

/// Fonts decompressed in this run, waiting to be kept (by [`keep_pending`]).
static PENDING: std::sync::Mutex<Vec<(&'static str, typst::foundations::Bytes)>> = std::sync::Mutex::new(Vec::new());

/// Notes `font` to be kept under `key` once the run has written its outputs: a run that
/// writes nothing (input refused) leaves nothing in the output folder.
pub fn remember(key: &'static str, font: typst::foundations::Bytes) {
    if dir().is_some() {
        PENDING.lock().unwrap_or_else(|p| p.into_inner()).push((key, font));
    }
}

/// Keeps the fonts noted by [`remember`] (each written whole under a temporary name, then
/// renamed; a failure is ignored).
pub fn keep_pending() {
    let pending = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()));
    if let Some(d) = dir() {
        for (key, font) in pending {
            write_in(&d, key, &font);
        }
    }
}

fn read_in(dir: &std::path::Path, key: &str) -> Option<Vec<u8>> {
    let mut data = std::fs::read(dir.join(format!("{key}.otf"))).ok()?;
    let at = data.len().checked_sub(HASH_LEN)?;
    if data[at..] != hash(&data[..at]) {
        return None;
    }
    data.truncate(at);
    Some(data)
}

fn write_in(dir: &std::path::Path, key: &str, font: &[u8]) {
    use std::io::Write as _;
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(font)?;
        tmp.write_all(&hash(font))?;
        tmp.persist(dir.join(format!("{key}.otf"))).map_err(|e| e.error)?;
        Ok(())
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_font_comes_back_and_a_damaged_file_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_in(tmp.path(), "k"), None);
        write_in(tmp.path(), "k", b"OTTO font bytes");
        assert_eq!(read_in(tmp.path(), "k").as_deref(), Some(&b"OTTO font bytes"[..]));
        let file = tmp.path().join("k.otf");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[2] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(read_in(tmp.path(), "k"), None, "a flipped bit");
        std::fs::write(&file, b"short").unwrap();
        assert_eq!(read_in(tmp.path(), "k"), None, "a truncated file");
    }
}
