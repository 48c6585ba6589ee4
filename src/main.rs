//! The `juesuan` command line: a thin layer over the library, one function per subcommand.

use clap::{Parser, Subcommand, ValueEnum};
use juesuan::build::{self, BuildOptions, FontCache, Output, Target};
use juesuan::diag::{Diagnostic, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Typst's layout allocates a lot on every core, and mimalloc serves that faster than glibc's
/// malloc (see scripts/bench.py). Built with `no_thp`: without transparent huge pages. With
/// them the seed booklet took 0.60–1.17 s (median 0.99 s, 300 MB), the kernel zeroing 2 MB
/// pages for a few bytes each, and `check` of 100,000 projects spent a quarter of its time
/// there; without them it takes 0.73–0.78 s and 233 MB.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 部门决算公开 booklets and 项目支出绩效自评报告 from YAML data, as PDF and DOCX.
///
/// Exit status: 0 ok; 1 check found errors (`check`, or `build`/`batch` with `--strict`);
/// 2 bad input (unreadable or malformed data), a department of `batch` that failed, or bad usage.
#[derive(Parser)]
#[command(name = "juesuan", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a department folder against the 勾稽关系 rules.
    Check {
        /// Department folder, e.g. data/lanxian-kfq-2024.
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FindingFormat::Text)]
        format: FindingFormat,
        /// Print the rule ids and what each checks, then exit.
        #[arg(long)]
        list_rules: bool,
        /// A layout folder instead of the layout department.yaml names (docs/layouts.md).
        #[arg(long)]
        layout: Option<PathBuf>,
    },
    /// Build the whole 部门决算公开 booklet (PDF and DOCX).
    Build {
        /// Department folder (default: the only folder under data/).
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Build one project's 项目支出绩效自评报告.
    Report {
        /// Department folder.
        dir: PathBuf,
        /// Project id (the `id:` of a file under projects/).
        id: String,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Create a complete, empty department folder (every table, standard 名词解释, one example project).
    New {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
        /// 部门名称.
        #[arg(long)]
        department: String,
        /// 决算年度.
        #[arg(long)]
        year: i32,
        /// 部门编码.
        #[arg(long, default_value = "000")]
        code: String,
    },
    /// Add a project (项目支出绩效自评报告) file to a department folder.
    NewProject {
        /// Department folder.
        dir: PathBuf,
        /// Project id: letters, digits, `-`, `_` (the file becomes projects/ID.yaml).
        id: String,
    },
    /// Rebuild the booklet (and an edited project's 自评报告) on every save.
    Watch {
        /// Department folder (default: the only folder under data/).
        dir: Option<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
        /// Stop after this many rebuilds (for scripts and benchmarks).
        #[arg(long, hide = true)]
        max_rebuilds: Option<usize>,
        /// Look at the files every 50 ms instead of waiting for the system's change events
        /// (a network drive, whose changes from another machine raise no event).
        #[arg(long)]
        poll: bool,
    },
    /// Build every department folder under ROOT in parallel, then print a summary table.
    Batch {
        /// Folder searched for department folders (those holding department.yaml).
        root: PathBuf,
        #[command(flatten)]
        out: OutArgs,
        /// Parallel builds (default: all cores).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Build only the K-th of N stable slices of the departments (e.g. `3/10`), so that N
        /// machines share a province (docs/scale.md).
        #[arg(long)]
        shard: Option<juesuan::batch::Shard>,
    },
    /// Write every form of the department's layout as a sheet of one workbook (OUT/<folder>.xlsx),
    /// and the 自评报告' two tables, a sheet per project (OUT/<folder>-projects.xlsx).
    Export {
        /// Department folder.
        dir: PathBuf,
        /// Output folder.
        #[arg(short, long, default_value = "out")]
        output: PathBuf,
        /// A layout folder instead of the layout department.yaml names (docs/layouts.md).
        #[arg(long)]
        layout: Option<PathBuf>,
    },
    /// Read the forms of a workbook (.xlsx) into a department folder's tables/*.yaml, or a
    /// 绩效自评表 workbook (a sheet per project) into projects/*.yaml; prints what was not taken.
    Import {
        /// The workbook (ours from `export`, or a department's own).
        workbook: PathBuf,
        /// Department folder to write into (holding department.yaml).
        dir: PathBuf,
        /// Replace files that hold other figures (each is kept as NAME.yaml.bak).
        #[arg(long)]
        force: bool,
        /// A layout folder instead of the layout department.yaml names (docs/layouts.md).
        #[arg(long)]
        layout: Option<PathBuf>,
    },
    /// Compile a Typst file (e.g. from --emit-typst) with the embedded fonts: the benchmark's floor.
    #[command(hide = true)]
    CompileTypst {
        /// The .typ file.
        file: PathBuf,
        /// The PDF to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Layouts (版式): list the built-in ones, or write one out as a starting point.
    Layout {
        #[command(subcommand)]
        action: LayoutAction,
    },
    /// Generate synthetic, fully consistent departments (for benchmarks and batch runs).
    GenSample {
        /// Folder to create them in (one sub-folder per department).
        out: PathBuf,
        /// How many departments.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// About how many 科目 rows per department.
        #[arg(long, default_value_t = 120)]
        rows: usize,
        /// 自评报告 per department.
        #[arg(long, default_value_t = 10)]
        projects: usize,
    },
}

#[derive(Subcommand)]
enum LayoutAction {
    /// The built-in layouts.
    List,
    /// Write every file of a built-in layout into a new folder, to copy and change.
    Export {
        /// Built-in layout name (`shanxi`, `shanghai`).
        name: String,
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct OutArgs {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    output: PathBuf,
    /// A layout folder instead of the layout department.yaml names (docs/layouts.md).
    #[arg(long)]
    layout: Option<PathBuf>,
    /// Formats to write, comma separated.
    #[arg(long, value_delimiter = ',', default_values = ["pdf", "docx"])]
    format: Vec<OutFormat>,
    /// Put the 仅供内部审核 mark on every page.
    #[arg(long)]
    draft: bool,
    /// PDF standard: `a-2b` writes PDF/A-2b for archiving.
    #[arg(long)]
    pdf_standard: Option<PdfStandardArg>,
    /// Also write the generated Typst source next to the PDF.
    #[arg(long)]
    emit_typst: bool,
    /// Extra folder of fonts (may repeat); families named in department.yaml are searched
    /// there and among the system fonts.
    #[arg(long)]
    font_path: Vec<PathBuf>,
    /// Refuse to build when `check` finds errors (exit 1, nothing written).
    #[arg(long)]
    strict: bool,
    /// Where the page numbers of a DOCX's 目录 come from when no PDF is written: `layout`
    /// lays out the document's runs of pages as the PDF would, on all cores, and keeps what
    /// it found in `<output>/.juesuan/` so that the next build lays out only the runs that
    /// changed (the numbers are filled in); `word` skips all layout and leaves the numbers
    /// blank for Word to fill in when it opens the file.
    #[arg(long, value_enum, default_value_t = DocxPages::Layout)]
    docx_pages: DocxPages,
    /// Embed the bundled fonts of the document's font roles (宋体, 黑体, and 仿宋, 楷体 in the
    /// gbt9704 house style) in the DOCX, so that it renders as the PDF does on a machine
    /// without those fonts (a few megabytes each; LibreOffice uses them, Word may not).
    #[arg(long)]
    docx_embed_fonts: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DocxPages {
    Layout,
    Word,
}

#[derive(Clone, Copy, ValueEnum)]
enum FindingFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutFormat {
    Pdf,
    Docx,
}

#[derive(Clone, Copy, ValueEnum)]
enum PdfStandardArg {
    #[value(name = "a-2b")]
    A2b,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Interrupted (Ctrl-C, SIGTERM): no staged temporary file is left behind.
    let _ = ctrlc::set_handler(|| {
        build::remove_staged();
        std::process::exit(130);
    });
    match cli.command {
        Command::Check { dir, format, list_rules, layout } => run_check(dir, format, list_rules, layout.as_deref()),
        Command::Layout { action } => run_layout(action),
        Command::Build { dir, out } => match dir {
            Some(dir) => run_build(&dir, None, &out),
            // Every department folder of data/, one after the other.
            None => match data_departments() {
                dirs if dirs.is_empty() => usage("no department folder given and data/ holds none"),
                dirs => dirs.iter().map(|d| run_build(d, None, &out)).max_by_key(|c| u8::from(*c != ExitCode::SUCCESS)).unwrap_or(ExitCode::SUCCESS),
            },
        },
        Command::Report { dir, id, out } => run_build(&dir, Some(&id), &out),
        Command::New { dir, department, year, code } => run_new(&dir, &department, year, &code),
        Command::NewProject { dir, id } => run_new_project(&dir, &id),
        Command::Watch { dir, out, max_rebuilds, poll } => match dir.or_else(default_department) {
            Some(dir) => run_watch(&dir, &out, max_rebuilds, poll),
            None => usage("no department folder given and data/ does not hold exactly one"),
        },
        Command::Batch { root, out, jobs, shard } => run_batch(&root, &out, jobs, shard),
        Command::Export { dir, output, layout } => run_export(&dir, &output, layout.as_deref()),
        Command::Import { workbook, dir, force, layout } => run_import(&workbook, &dir, force, layout.as_deref()),
        Command::CompileTypst { file, output } => run_compile_typst(&file, &output),
        Command::GenSample { out, count, rows, projects } => run_gen(&out, count, rows, projects),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\nhint: juesuan build data/lanxian-kfq-2024");
    ExitCode::from(2)
}

/// The department folders of `data/` (those holding department.yaml), in name order.
fn data_departments() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("data") else { return Vec::new() };
    let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.join("department.yaml").is_file()).collect();
    dirs.sort();
    dirs
}

/// `data/<the one department>` when `data/` holds exactly one.
fn default_department() -> Option<PathBuf> {
    let mut dirs = data_departments();
    (dirs.len() == 1).then(|| dirs.remove(0))
}

fn run_layout(action: LayoutAction) -> ExitCode {
    match action {
        LayoutAction::List => {
            for name in juesuan::layout::builtin_names() {
                let l = juesuan::layout::builtin(name).expect("listed");
                println!("{name:<10} {} — {}", l.spec.name, l.spec.description.as_deref().unwrap_or(""));
            }
            ExitCode::SUCCESS
        }
        LayoutAction::Export { name, dir } => match juesuan::layout::export(&name, &dir) {
            Ok(n) => {
                eprintln!("wrote {n} files to {} (use it with --layout {0}, or `layout: ./NAME` for a folder inside a department folder)", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn run_check(dir: Option<PathBuf>, format: FindingFormat, list_rules: bool, layout: Option<&Path>) -> ExitCode {
    if list_rules {
        for (id, what) in juesuan::check::rules() {
            emit(&format!("{id:<18} {what}"));
        }
        return ExitCode::SUCCESS;
    }
    let Some(dir) = dir else { return usage("a department folder is required") };
    let (_, _, findings) = match build::prepare(&dir, layout) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            // A program reading the JSON gets the load errors too (as findings without a rule).
            if matches!(format, FindingFormat::Json) {
                if let Ok(s) = serde_json::to_string_pretty(&e.0) {
                    println!("{s}");
                }
            }
            return ExitCode::from(2);
        }
    };
    let errors = count_errors(&findings);
    match format {
        FindingFormat::Text => {
            for f in &findings {
                emit(&f.to_string());
            }
            eprintln!("{errors} errors, {} warnings", findings.len() - errors);
        }
        FindingFormat::Json => match serde_json::to_string_pretty(&findings) {
            Ok(s) => emit(&s),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A line on stdout; a reader that went away (`check … | head`) ends the output quietly
/// instead of a panic.
fn emit(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").is_err() {
        std::process::exit(141);
    }
}

fn count_errors(findings: &[Diagnostic]) -> usize {
    findings.iter().filter(|f| f.severity == Severity::Error).count()
}

impl OutArgs {
    /// Starts decompressing the bundled fonts when the build lays pages out (a PDF, or a
    /// DOCX whose 目录 takes its page numbers from a layout).
    fn prefetch_fonts(&self) {
        let cache = self.output.join(".juesuan").join("fonts");
        if self.format.contains(&OutFormat::Pdf) || self.docx_pages != DocxPages::Word {
            juesuan::write::pdf::prefetch_fonts(&cache);
        } else {
            juesuan::write::font_cache::use_dir(&cache);
        }
    }

    fn build_options(&self) -> BuildOptions {
        BuildOptions {
            pdf: self.format.contains(&OutFormat::Pdf),
            docx: self.format.contains(&OutFormat::Docx),
            draft: self.draft,
            pdf_a: self.pdf_standard.is_some(),
            emit_typst: self.emit_typst,
            docx_pages_by_word: self.docx_pages == DocxPages::Word,
            page_cache: Some(self.output.join(".juesuan")),
            layout: self.layout.clone(),
            docx_embed_fonts: self.docx_embed_fonts,
        }
    }
}

fn run_build(dir: &Path, report: Option<&str>, args: &OutArgs) -> ExitCode {
    args.prefetch_fonts();
    let fonts = FontCache::new(args.font_path.clone());
    let target = report.map_or(Target::Booklet, Target::Report);
    let get = |f: &[String]| fonts.get(f);
    match build::build_department(dir, target, &args.build_options(), args.strict, &get) {
        Ok(built) => {
            let errors = built.errors();
            if errors > 0 {
                eprintln!(
                    "check: {errors} errors, {} warnings (run `juesuan check {}` for the list)",
                    built.findings.len() - errors,
                    dir.display()
                );
            }
            if built.marked_draft {
                eprintln!("note: every page is marked 仅供内部审核 until `check` finds no error in it (--strict refuses to build instead)");
            }
            write_all(&args.output, &built.outputs, built.pages)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn write_all(dir: &Path, outputs: &[Output], pages: usize) -> ExitCode {
    match build::write_outputs(dir, outputs) {
        Ok(paths) => {
            for path in paths {
                if path.extension().is_some_and(|x| x == "pdf") {
                    eprintln!("wrote {} ({pages} pages)", path.display());
                } else {
                    eprintln!("wrote {}", path.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err((path, e)) => {
            eprintln!("error: cannot write {}: {e}; no output of this build was put in place", path.display());
            ExitCode::from(2)
        }
    }
}

fn run_new(dir: &Path, name: &str, year: i32, code: &str) -> ExitCode {
    match juesuan::scaffold::new_department(dir, name, year, code) {
        Ok(files) => {
            eprintln!("created {} ({} files); next: juesuan check {0}", dir.display(), files.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_new_project(dir: &Path, id: &str) -> ExitCode {
    match juesuan::scaffold::new_project(dir, id) {
        Ok(path) => {
            eprintln!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_watch(dir: &Path, args: &OutArgs, max_rebuilds: Option<usize>, poll_only: bool) -> ExitCode {
    if !dir.join("department.yaml").is_file() {
        return usage(&format!("{}: not a department folder (no department.yaml)", dir.display()));
    }
    let opts = juesuan::watch::WatchOptions {
        out: args.output.clone(),
        build: args.build_options(),
        poll: std::time::Duration::from_millis(50),
        poll_only,
        max_rebuilds,
        strict: args.strict,
    };
    args.prefetch_fonts();
    let fonts = FontCache::new(args.font_path.clone());
    juesuan::watch::run(dir, &opts, &fonts, &mut |line| eprintln!("{line}"));
    ExitCode::SUCCESS
}

fn run_batch(root: &Path, args: &OutArgs, jobs: Option<usize>, shard: Option<juesuan::batch::Shard>) -> ExitCode {
    let dirs = juesuan::batch::departments(root);
    if dirs.is_empty() {
        return usage(&format!("{}: no department folder (with department.yaml) found", root.display()));
    }
    let dirs = match shard {
        Some(sh) => {
            let all = dirs.len();
            let mine = juesuan::batch::in_shard(root, dirs, sh);
            eprintln!("shard {}/{}: {} of {all} departments", sh.k, sh.n, mine.len());
            if mine.is_empty() {
                // Nothing falls to this slice: a success with nothing to do.
                return ExitCode::SUCCESS;
            }
            mine
        }
        None => dirs,
    };
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    args.prefetch_fonts();
    let fonts = FontCache::new(args.font_path.clone());
    let start = std::time::Instant::now();
    let progress = juesuan::batch::progress_printer();
    let rows = juesuan::batch::run(root, &dirs, &args.output, &args.build_options(), args.strict, jobs, &fonts, &progress);
    print!("{}", juesuan::batch::summary(&rows));
    eprintln!("total {:.2} s on {jobs} threads; outputs in {}", start.elapsed().as_secs_f64(), args.output.display());
    use juesuan::batch::Status;
    if rows.iter().any(|r| matches!(r.status, Status::Failed(_))) {
        ExitCode::from(2)
    } else if rows.iter().any(|r| r.status == Status::Refused) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_compile_typst(file: &Path, output: &Path) -> ExitCode {
    use juesuan::write::pdf;
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => return usage(&format!("{}: {e}", file.display())),
    };
    let fonts = pdf::FontSet::embedded();
    let meta = juesuan::doc::Meta {
        title: file.display().to_string(),
        author: String::new(),
        date: None,
        lang: "zh-CN".into(),
        draft: false,
        serif: String::new(),
        sans: String::new(),
        fang: String::new(),
        kai: String::new(),
        house_style: Default::default(),
    };
    let result = pdf::compile(&source, &fonts, None).and_then(|doc| pdf::pdf(&doc, &meta, &pdf::PdfOptions::default()));
    match result.map(|bytes| build::write_atomic(output, &bytes)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => usage(&format!("{}: {e}", output.display())),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_gen(out: &Path, count: usize, rows: usize, projects: usize) -> ExitCode {
    for i in 1..=count {
        let dir = out.join(format!("sample-{i:03}"));
        let size = juesuan::sample::SampleSize { rows, projects };
        if let Err(e) = juesuan::sample::generate(&dir, &format!("样例部门{i:03}"), i as u64, size) {
            eprintln!("error: cannot write {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    eprintln!("wrote {count} departments under {}", out.display());
    ExitCode::SUCCESS
}

fn run_export(dir: &Path, out: &Path, layout: Option<&Path>) -> ExitCode {
    let (_, mut view, findings) = match build::prepare(dir, layout) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let errors = count_errors(&findings);
    if errors > 0 {
        eprintln!("check: {errors} errors, {} warnings (run `juesuan check {}` for the list)", findings.len() - errors, dir.display());
        // Like the booklet, a workbook with contradictions never looks final.
        eprintln!("note: every sheet's printed header carries {}", juesuan::write::style::DRAFT_MARK);
        view.info.draft = true;
    }
    let stem = build::stem_of(dir);
    let books = juesuan::xlsx::export::forms_workbook(&view).and_then(|forms| {
        let mut outputs = vec![Output { name: format!("{stem}.xlsx"), bytes: forms }];
        // The 自评报告' tables, where the booklet attaches them.
        if let Some(bytes) = juesuan::xlsx::export::projects_workbook(&view)? {
            outputs.push(Output { name: format!("{stem}-projects.xlsx"), bytes });
        }
        Ok(outputs)
    });
    match books {
        Ok(outputs) => write_all(out, &outputs, 0),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_import(workbook: &Path, dir: &Path, force: bool, layout: Option<&Path>) -> ExitCode {
    use juesuan::xlsx::import;
    let imported = import::layout_of(dir, layout).and_then(|(l, year)| import::read(workbook, &workbook.display().to_string(), &l, year));
    let imported = match imported {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("nothing written");
            return ExitCode::from(2);
        }
    };
    match import::write(dir, &imported, force) {
        Ok(done) => {
            println!("import report for {}:", workbook.display());
            for f in &done.files {
                println!("  wrote {}", dir.join(f).display());
            }
            for f in &done.unchanged {
                println!("  unchanged {}", dir.join(f).display());
            }
            for f in &done.backups {
                println!("  kept the previous file as {}", dir.join(f).display());
            }
            if imported.report.is_empty() {
                println!("  every sheet, row and column was taken");
            }
            for l in &imported.report {
                println!("  {l}");
            }
            eprintln!("next: juesuan check {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
