//! Build steps of the `juesuan` binary.
//!
//! * Link options that keep it under 60 MB with the four bundled fonts (14 MB): no symbol
//!   table (`--strip-all`, as `strip = true` would, but set here for the binary alone: in
//!   `[profile.release]` it would rebuild every dependency), relative relocations packed
//!   (RELR, `-z pack-relative-relocs`: the table of 2.5 MB becomes a few kilobytes) and
//!   identical functions folded (`--icf=all`, LLD, the default linker of Rust on x86_64
//!   Linux). Only the binary: the libraries and tests link as before.
//! * A key for each bundled font (`fonts/*.otf.zst`): a hash of its compressed bytes, which
//!   names its decompressed copy in the font cache (`src/write/font_cache.rs`), as
//!   `JUESUAN_FONT_KEY_<file stem, '-' as '_'>`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target == "x86_64-unknown-linux-gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
        // `JUESUAN_KEEP_SYMBOLS=1 cargo build --release` keeps the symbols, for `perf`.
        println!("cargo:rerun-if-env-changed=JUESUAN_KEEP_SYMBOLS");
        if std::env::var_os("JUESUAN_KEEP_SYMBOLS").is_none() {
            println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
        }
    }
    println!("cargo:rerun-if-changed=fonts");
    let mut files: Vec<_> = std::fs::read_dir("fonts").expect("fonts/").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let Some(stem) = name.strip_suffix(".otf.zst") else { continue };
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).expect("a bundled font");
        // FNV-1a, 64 bits, with the length: enough to tell versions of a font apart.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in &bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        println!("cargo:rustc-env=JUESUAN_FONT_KEY_{}={stem}-{h:016x}-{}", stem.replace('-', "_"), bytes.len());
    }
}
