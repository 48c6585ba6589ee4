//! `juesuan new` and `juesuan new-project`: a complete, empty department folder (every table
//! present and empty, the standard 名词解释, one example project) and new project files.
//! The files are the commented templates under `templates/new/`, embedded in the binary.

use minijinja::{context, Environment};
use std::fmt;
use std::path::{Path, PathBuf};

/// Scaffold files: (path inside the department folder, template source).
const FILES: &[(&str, &str)] = &[
    ("department.yaml", include_str!("../templates/new/department.yaml")),
    ("explanation.yaml", include_str!("../templates/new/explanation.yaml")),
    ("tables/01-summary.yaml", include_str!("../templates/new/tables/01-summary.yaml")),
    ("tables/02-income.yaml", include_str!("../templates/new/tables/02-income.yaml")),
    ("tables/03-expenditure.yaml", include_str!("../templates/new/tables/03-expenditure.yaml")),
    ("tables/04-fiscal.yaml", include_str!("../templates/new/tables/04-fiscal.yaml")),
    ("tables/05-general-budget.yaml", include_str!("../templates/new/tables/05-general-budget.yaml")),
    ("tables/06-basic-detail.yaml", include_str!("../templates/new/tables/06-basic-detail.yaml")),
    ("tables/07-gov-fund.yaml", include_str!("../templates/new/tables/07-gov-fund.yaml")),
    ("tables/08-soe-capital.yaml", include_str!("../templates/new/tables/08-soe-capital.yaml")),
    ("tables/09-three-public.yaml", include_str!("../templates/new/tables/09-three-public.yaml")),
    ("tables/10-statistics.yaml", include_str!("../templates/new/tables/10-statistics.yaml")),
];

/// 项目支出绩效自评报告 template.
const PROJECT: &str = include_str!("../templates/new/projects/project.yaml");

/// Why scaffolding failed.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The folder exists and is not empty (`new`), or the project file exists (`new-project`).
    Exists(PathBuf),
    /// `new-project` on a folder that is not a department.
    NotADepartment(PathBuf),
    /// A project id that cannot be a file name.
    BadId(String),
    /// `new-project` with an id that a project file or id already has, ignoring case (ids
    /// name output files, and Windows and macOS file names ignore case).
    IdTaken { id: String, by: PathBuf },
    /// A year outside 2000–2100.
    BadYear(i32),
    /// The file system refused.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::Exists(p) => write!(f, "{}: already exists; nothing written", p.display()),
            ScaffoldError::NotADepartment(p) => {
                write!(f, "{}: not a department folder (no department.yaml); create one with `juesuan new`", p.display())
            }
            ScaffoldError::BadId(id) => write!(
                f,
                "project id `{id}`: expected letters, digits, `-` or `_` (at most 64, not starting with `-`)"
            ),
            ScaffoldError::IdTaken { id, by } => write!(
                f,
                "project id `{id}` is taken by {} (ids may not differ only in case); nothing written",
                by.display()
            ),
            ScaffoldError::BadYear(y) => write!(f, "year {y}: expected a fiscal year between 2000 and 2100"),
            ScaffoldError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// A project id usable as a file name: ASCII letters, digits, `-`, `_`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // Any string becomes a double-quoted YAML scalar (JSON strings are valid YAML).
    env.add_filter("yaml", |s: String| serde_json::to_string(&s).unwrap_or_default());
    env
}

fn render(src: &str, ctx: minijinja::Value) -> String {
    // The templates are ours and fixed at build time: a failure is a bug, caught by the tests.
    env().render_str(src, ctx).unwrap_or_else(|e| panic!("templates/new: {e:#}"))
}

/// `juesuan new DIR --department NAME --year YEAR [--code CODE]`.
/// The folder must not exist or be empty; nothing is left behind when a file cannot be written.
pub fn new_department(dir: &Path, name: &str, year: i32, code: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !(2000..=2100).contains(&year) {
        return Err(ScaffoldError::BadYear(year));
    }
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(ScaffoldError::Exists(dir.to_path_buf()));
    }
    // Everything goes into a hidden sibling folder first, renamed into place at the end:
    // an interrupted `new` leaves no half-made department.
    let tmp = sibling_tmp(dir);
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        let ctx = context! { name, year, code };
        for (rel, src) in FILES {
            write_new(&tmp.join(rel), &render(src, ctx.clone()))?;
        }
        write_new(&tmp.join("projects/example.yaml"), &project_text("example", name, code, year))?;
        if dir.exists() {
            std::fs::remove_dir(dir).map_err(|e| ScaffoldError::Io(dir.to_path_buf(), e))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| ScaffoldError::Io(dir.to_path_buf(), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result?;
    let mut files: Vec<PathBuf> = FILES.iter().map(|(rel, _)| dir.join(rel)).collect();
    files.push(dir.join("projects/example.yaml"));
    Ok(files)
}

fn sibling_tmp(dir: &Path) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "new".into());
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// `juesuan new-project DIR ID`: adds `projects/ID.yaml` to an existing department.
pub fn new_project(dir: &Path, id: &str) -> Result<PathBuf, ScaffoldError> {
    if !valid_id(id) {
        return Err(ScaffoldError::BadId(id.to_string()));
    }
    let info_path = dir.join("department.yaml");
    let info: crate::model::Info = std::fs::read_to_string(&info_path)
        .ok()
        .and_then(|t| serde_yaml::from_str(&t).ok())
        .ok_or_else(|| ScaffoldError::NotADepartment(dir.to_path_buf()))?;
    let path = dir.join("projects").join(format!("{id}.yaml"));
    if path.exists() {
        return Err(ScaffoldError::Exists(path));
    }
    if let Some(by) = project_with_id(&dir.join("projects"), id) {
        return Err(ScaffoldError::IdTaken { id: id.to_string(), by });
    }
    let code = info.code.as_deref().unwrap_or("");
    write_new(&path, &project_text(id, &info.name, code, info.year))
}

/// The project file in `projects` whose name or `id:` equals `id`, ignoring case.
fn project_with_id(projects: &Path, id: &str) -> Option<PathBuf> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: String,
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(projects).ok()?.flatten().map(|e| e.path()).collect();
    files.sort();
    files.into_iter().find(|f| {
        let is_yaml = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        let stem = f.file_stem().map(|s| s.to_string_lossy().to_lowercase());
        is_yaml
            && (stem.as_deref() == Some(id.to_lowercase().as_str())
                || crate::load::read_text(f, "")
                    .ok()
                    .and_then(|t| serde_yaml::from_str::<IdOnly>(&t).ok())
                    .is_some_and(|p| p.id.eq_ignore_ascii_case(id)))
    })
}

fn project_text(id: &str, dept: &str, code: &str, year: i32) -> String {
    let authority = if code.is_empty() { dept.to_string() } else { format!("{code}-{dept}") };
    let unit = if code.is_empty() { dept.to_string() } else { format!("{code}001-{dept}") };
    let project_name = if id == "example" { "示例项目".to_string() } else { format!("项目{id}") };
    render(PROJECT, context! { id, project_name, unit, authority, year })
}

/// Creates `path` (and its folder); never overwrites.
fn write_new(path: &Path, text: &str) -> Result<PathBuf, ScaffoldError> {
    let io = |e| ScaffoldError::Io(path.to_path_buf(), e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(io)?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(io)?;
    Ok(path.to_path_buf())
}
