//! Synthetic departments for benchmarks and batch runs: consistent data (every 勾稽关系
//! holds) of any size, deterministic for a given seed.

use crate::forms::catalog;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Size of a generated department.
#[derive(Debug, Clone, Copy)]
pub struct SampleSize {
    /// About how many 科目 rows (类 + 款 + 项) in 公开03.
    pub rows: usize,
    /// How many 自评报告.
    pub projects: usize,
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// An amount in 分 (0.01 万元) between `lo` and `hi`.
    fn cents(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn wan(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

struct Leaf {
    code: String,
    name: String,
    basic: u64,
    project: u64,
    gov_fund: bool,
}

/// Writes a consistent department of `size` into `dir` (created if needed).
pub fn generate(dir: &Path, name: &str, seed: u64, size: SampleSize) -> io::Result<()> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let classes: Vec<_> = catalog().functional_classes.iter().filter(|c| !["223", "231", "232", "234"].contains(&c.code.as_str())).collect();
    // Split the rows over 类 → 款 → 项 (each 款 holds `per` 项).
    let kuan_per_class = (size.rows / (classes.len() * 6)).clamp(1, 99);
    let per = (size.rows / (classes.len() * (kuan_per_class + 1))).clamp(1, 99);
    let mut leaves = Vec::new();
    for c in &classes {
        for k in 1..=kuan_per_class {
            for x in 1..=per {
                let basic = if rng.next() % 3 == 0 { rng.cents(100, 50_000) } else { 0 };
                let project = rng.cents(1_000, 2_000_000);
                leaves.push(Leaf {
                    code: format!("{}{k:02}{x:02}", c.code),
                    name: format!("{}项目{k}-{x}", c.name.trim_end_matches("支出")),
                    basic,
                    project,
                    gov_fund: c.code == "212" || c.code == "229",
                });
            }
        }
    }
    let tables = dir.join("tables");
    std::fs::create_dir_all(&tables)?;
    std::fs::create_dir_all(dir.join("projects"))?;
    let gb: Vec<&Leaf> = leaves.iter().filter(|l| !l.gov_fund).collect();
    let gf: Vec<&Leaf> = leaves.iter().filter(|l| l.gov_fund).collect();
    // Gov-fund rows carry no 基本支出.
    let basic_total: u64 = gb.iter().map(|l| l.basic).sum();
    let gb_total: u64 = gb.iter().map(|l| l.basic + l.project).sum();
    let gf_total: u64 = gf.iter().map(|l| l.project).sum();
    let project_total: u64 = leaves.iter().filter(|l| !l.gov_fund).map(|l| l.project).sum::<u64>() + gf_total;

    let rows_of = |list: &[&Leaf], cols: &dyn Fn(&Leaf) -> String| -> String {
        let mut s = String::from("rows:\n");
        let mut last3 = String::new();
        let mut last5 = String::new();
        for l in list {
            if l.code[..3] != last3 {
                last3 = l.code[..3].to_string();
                let n = crate::forms::class_name(&last3).unwrap_or("类");
                let _ = writeln!(s, "  - {{code: \"{last3}\", name: {n}}}");
            }
            if l.code[..5] != last5 {
                last5 = l.code[..5].to_string();
                let _ = writeln!(s, "  - {{code: \"{last5}\", name: 款{last5}}}");
            }
            let _ = writeln!(s, "  - {{code: \"{}\", name: {}, {}}}", l.code, l.name, cols(l));
        }
        s
    };
    let all: Vec<&Leaf> = leaves.iter().collect();
    let opt = |label: &str, v: u64| if v == 0 { String::new() } else { format!("{label}: {}", wan(v)) };
    let join = |parts: Vec<String>| parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
    let gov = |l: &Leaf| if l.gov_fund { 0 } else { l.basic };
    std::fs::write(tables.join("02-income.yaml"), rows_of(&all, &|l| format!("fiscal: {}", wan(gov(l) + l.project))))?;
    std::fs::write(tables.join("03-expenditure.yaml"), rows_of(&all, &|l| join(vec![opt("basic", gov(l)), opt("project", l.project)])))?;
    std::fs::write(tables.join("05-general-budget.yaml"), rows_of(&gb, &|l| join(vec![opt("basic", l.basic), opt("project", l.project)])))?;
    std::fs::write(tables.join("07-gov-fund.yaml"), rows_of(&gf, &|l| format!("income: {}, project: {}", wan(l.project), wan(l.project))))?;
    std::fs::write(tables.join("08-soe-capital.yaml"), "rows: []\n")?;
    std::fs::write(
        tables.join("01-summary.yaml"),
        format!("fiscal_income: {{general_budget: {}, gov_fund: {}}}\n", wan(gb_total), wan(gf_total)),
    )?;
    std::fs::write(tables.join("04-fiscal.yaml"), "opening: {}\nclosing: {}\n")?;
    // 公开06: 基本工资 takes the rest so that 人员 + 公用 = 公开05 基本支出.
    let office = basic_total / 20;
    let pension = basic_total / 10;
    std::fs::write(
        tables.join("06-basic-detail.yaml"),
        format!(
            "amounts: {{\"30101\": {}, \"30108\": {}, \"30201\": {}}}\n",
            wan(basic_total - office - pension),
            wan(pension),
            wan(office)
        ),
    )?;
    std::fs::write(tables.join("09-three-public.yaml"), "budget: {car_operation: 5.00}\nactual: {car_operation: 4.50}\n")?;
    std::fs::write(
        tables.join("10-statistics.yaml"),
        "procurement: {goods: 10.00, works: 20.00, services: 5.00}\nvehicles: {confidential: 1}\n",
    )?;
    std::fs::write(
        dir.join("department.yaml"),
        format!(
            "name: {name}\ncode: \"900\"\nyear: 2024\nduties: {name}负责本系统的规划、管理和服务工作。\norganization: 内设办公室、业务科等机构。\n"
        ),
    )?;
    let mut expl = String::from("prior_year:\n");
    let _ = writeln!(expl, "  total: {}", wan((gb_total + gf_total) * 9 / 10));
    let _ = writeln!(expl, "  fiscal_total: {}", wan((gb_total + gf_total) * 9 / 10));
    let _ = writeln!(expl, "  general_budget: {}", wan(gb_total * 9 / 10));
    let _ = writeln!(expl, "  gov_fund: {}", wan(gf_total * 9 / 10));
    expl.push_str("  three_public: {car_operation: 4.00}\nreasons:\n  total: 项目支出增加\n  fiscal_total: 项目支出增加\n  general_budget: 项目支出增加\n  gov_fund: 项目支出增加\n  three_public: {total: 公务活动增加, car_operation: 公务活动增加}\n");
    expl.push_str("three_public_details:\n  car_operation: {cars_held: 1, use: 机要文件交换}\nprocurement: {sme_contracts: 10.00, small_micro_contracts: 5.00}\n");
    std::fs::write(dir.join("explanation.yaml"), expl)?;
    write_projects(dir, &mut rng, size.projects, project_total)
}

/// Projects whose 全年执行数 add up (in 元) to `total_cents` 分 of 万元.
fn write_projects(dir: &Path, rng: &mut Rng, n: usize, total_cents: u64) -> io::Result<()> {
    if n == 0 {
        return Ok(());
    }
    let total_yuan = total_cents * 100;
    let weights: Vec<u64> = (0..n).map(|_| rng.cents(1, 1000)).collect();
    let w: u64 = weights.iter().sum();
    let mut given = 0;
    for (i, wi) in weights.iter().enumerate() {
        let amount = if i + 1 == n { total_yuan - given } else { total_yuan * wi / w };
        given += amount;
        let budget = amount + if i % 7 == 0 { amount / 10 } else { 0 };
        let score_cost = if budget > amount { 8 } else { 10 };
        let text = format!(
            "# 项目支出绩效自评报告 — 样例项目{n}\nid: s{i:04}\nname: 样例项目{i}\nunit: 900001-样例单位\nauthority: 900-样例部门\ndate: \"2024-12\"\n\
overview: {{summary: 样例项目{i}的概况。, basis: 相关文件, necessity: 保障工作开展, measures: 按制度执行}}\n\
goals: {{period: 完成年度任务, annual: 完成年度任务}}\nplan: 按计划实施\n\
budget:\n  sources:\n    - {{source: 市县区财政资金, application: {budget}, compiled: {budget}, annual_budget: {budget}, executed: {amount}, reason: 无}}\n\
indicators:\n\
  - {{level1: 产出指标, level2: 数量指标, name: 完成数量, target: \"=1项\", actual: \"1\", weight: 20, score: 20}}\n\
  - {{level1: 产出指标, level2: 质量指标, name: 验收合格率, target: \"=100%\", actual: \"100\", weight: 10, score: 10}}\n\
  - {{level1: 产出指标, level2: 时效指标, name: 完成及时率, target: \"=100%\", actual: \"100\", weight: 10, score: 10}}\n\
  - {{level1: 产出指标, level2: 成本指标, name: 项目成本, target: \"≤{budget}元\", actual: \"{amount}\", weight: 10, score: {score_cost}}}\n\
  - {{level1: 效益指标, level2: 社会效益, name: 保障工作开展, target: 有效, actual: 达成预期指标, weight: 30, score: 30}}\n\
  - {{level1: 满意度指标, level2: 服务对象满意度, name: 服务对象满意度, target: \"≥90%\", actual: \"95\", weight: 10, score: 10}}\n\
completion: 已完成既定目标。\nsatisfaction: 服务对象总体满意。\nexperience: 加强项目管理。\nproblems: 无重大问题。\nmeasures: 继续加强管理。\n"
        );
        std::fs::write(dir.join("projects").join(format!("s{i:04}.yaml")), text)?;
    }
    Ok(())
}
