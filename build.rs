//! Link options of the `juesuan` binary that keep it under 60 MB with the four bundled fonts
//! (14 MB): no symbol table (`--strip-all`, as `strip = true` would, but set here for the
//! binary alone: in `[profile.release]` it would rebuild every dependency), relative
//! relocations packed (RELR, `-z pack-relative-relocs`: the table of 2.5 MB
//! becomes a few kilobytes) and identical functions folded (`--icf=all`, LLD, the default
//! linker of Rust on x86_64 Linux). Only the binary: the libraries and tests link as before.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target == "x86_64-unknown-linux-gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
        println!("cargo:rustc-link-arg-bins=-Wl,--strip-all");
    }
}
