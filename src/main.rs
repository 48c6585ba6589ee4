//! The `juesuan` command line: a thin layer over the library, one function per subcommand.

use clap::{Parser, Subcommand, ValueEnum};
use juesuan::build::{self, BuildOptions, Output};
use juesuan::diag::{Diagnostic, Severity};
use juesuan::write::pdf::FontSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// 部门决算公开 booklets and 项目支出绩效自评报告 from YAML data, as PDF and DOCX.
///
/// Exit status: 0 ok; 1 check found errors (`check`, or `build --strict`);
/// 2 bad input (unreadable or malformed data) or bad usage.
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

#[derive(clap::Args)]
struct OutArgs {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    output: PathBuf,
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
    match cli.command {
        Command::Check { dir, format, list_rules } => run_check(dir, format, list_rules),
        Command::Build { dir, out } => match dir.or_else(default_department) {
            Some(dir) => run_build(&dir, None, &out),
            None => usage("no department folder given and data/ does not hold exactly one"),
        },
        Command::Report { dir, id, out } => run_build(&dir, Some(&id), &out),
        Command::GenSample { out, count, rows, projects } => run_gen(&out, count, rows, projects),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\nhint: juesuan build data/lanxian-kfq-2024");
    ExitCode::from(2)
}

/// `data/<the one department>` when `data/` holds exactly one folder.
fn default_department() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("data").ok()?.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    (dirs.len() == 1).then(|| dirs.remove(0))
}

fn run_check(dir: Option<PathBuf>, format: FindingFormat, list_rules: bool) -> ExitCode {
    if list_rules {
        for (id, what) in juesuan::check::RULES {
            println!("{id:<18} {what}");
        }
        return ExitCode::SUCCESS;
    }
    let Some(dir) = dir else { return usage("a department folder is required") };
    let (_, _, findings) = match build::prepare(&dir) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let errors = count_errors(&findings);
    match format {
        FindingFormat::Text => {
            for f in &findings {
                println!("{f}");
            }
            eprintln!("{errors} errors, {} warnings", findings.len() - errors);
        }
        FindingFormat::Json => match serde_json::to_string_pretty(&findings) {
            Ok(s) => println!("{s}"),
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

fn count_errors(findings: &[Diagnostic]) -> usize {
    findings.iter().filter(|f| f.severity == Severity::Error).count()
}

fn run_build(dir: &Path, report: Option<&str>, args: &OutArgs) -> ExitCode {
    let (dept, view, findings) = match build::prepare(dir) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let errors = count_errors(&findings);
    if errors > 0 {
        eprintln!(
            "check: {errors} errors, {} warnings (run `juesuan check {}` for the list)",
            findings.len() - errors,
            dir.display()
        );
        if args.strict {
            eprintln!("error: --strict: nothing written");
            return ExitCode::from(1);
        }
    }
    let opts = BuildOptions {
        pdf: args.format.contains(&OutFormat::Pdf),
        docx: args.format.contains(&OutFormat::Docx),
        draft: args.draft,
        pdf_a: args.pdf_standard.is_some(),
        emit_typst: args.emit_typst,
    };
    let families = vec![view.info.serif.clone(), view.info.sans.clone()];
    let fonts = FontSet::with_families(&families, &args.font_path);
    let stem = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "booklet".into());
    let (doc, stem) = match report {
        None => match build::booklet_document(&view, &opts) {
            Ok(d) => (d, stem),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        Some(id) => match build::report_document(&view, id, &opts) {
            Ok(d) => (d, format!("{stem}-{id}")),
            Err(e) => {
                eprintln!("error: {e}");
                let ids: Vec<&str> = view.projects.iter().map(|p| p.id.as_str()).collect();
                eprintln!("hint: the projects of {} are: {}", dir.display(), ids.join(", "));
                return ExitCode::from(2);
            }
        },
    };
    let (outputs, pages) = match build::outputs(&doc, &stem, &fonts, &opts, &dept.dir, dept.info.year) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    write_all(&args.output, &outputs, pages)
}

fn write_all(dir: &Path, outputs: &[Output], pages: usize) -> ExitCode {
    for o in outputs {
        let path = dir.join(&o.name);
        if let Err(e) = build::write_atomic(&path, &o.bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        if o.name.ends_with(".pdf") {
            eprintln!("wrote {} ({pages} pages)", path.display());
        } else {
            eprintln!("wrote {}", path.display());
        }
    }
    ExitCode::SUCCESS
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
