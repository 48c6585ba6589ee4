//! The `juesuan` command line: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use juesuan::diag::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

/// 部门决算公开 booklets and 项目支出绩效自评报告 from YAML data.
///
/// Exit status: 0 ok, 1 check errors found, 2 bad input or usage.
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
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print the rule ids and what each checks, then exit.
        #[arg(long)]
        list_rules: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir, format, list_rules } => run_check(dir, format, list_rules),
    }
}

fn run_check(dir: Option<PathBuf>, format: Format, list_rules: bool) -> ExitCode {
    if list_rules {
        for (id, what) in juesuan::check::RULES {
            println!("{id:<18} {what}");
        }
        return ExitCode::SUCCESS;
    }
    let Some(dir) = dir else {
        eprintln!("error: a department folder is required\nhint: juesuan check data/lanxian-kfq-2024");
        return ExitCode::from(2);
    };
    let dept = match juesuan::load::load_dir(&dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let view = juesuan::compute::compute(&dept);
    let findings = juesuan::check::check(&dept, &view);
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    match format {
        Format::Text => {
            for f in &findings {
                println!("{f}");
            }
            eprintln!("{errors} errors, {} warnings", findings.len() - errors);
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&findings).unwrap_or_default()),
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
