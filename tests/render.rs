//! The booklet renders from the real data into a document tree with every part and report.

use juesuan::doc::Block;

fn view() -> juesuan::compute::View {
    let d = juesuan::load::load_dir(std::path::Path::new("data/lanxian-kfq-2024")).expect("seed loads");
    juesuan::compute::compute(&d)
}

#[test]
fn booklet_has_every_part_table_and_report() {
    let v = view();
    let doc = juesuan::render::booklet(&v).unwrap_or_else(|e| panic!("{e}"));
    let h: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, outline: true, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    for part in ["第一部分　概况", "第二部分　2024年部门决算表", "第三部分　情况说明", "第四部分　名词解释", "第五部分　附件"] {
        assert!(h.contains(&part), "missing {part}");
    }
    assert!(h.contains(&"六、一般公共预算财政拨款基本支出决算明细表"));
    assert_eq!(doc.blocks.iter().filter(|b| matches!(b, Block::Toc { scope: Some(_), .. })).count(), 28);
    let text = doc.plain_text();
    assert!(text.contains("2024年度收入总计24,557.16万元，支出总计24,557.16万元。与上年相比，收入总计增加5,577.85万元，增长29.39%"));
    assert!(text.contains("基本支出446.23万元，占比1.82%；"));
    assert!(text.contains("合计\t24556.69\t446.23\t24110.46\t\t\t\n"), "公开03 合计 row");
    // 公开06's —— placeholders stand centred in their cells, figures right-aligned.
    let cells: Vec<&juesuan::doc::Cell> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t.rows.iter().flatten()),
            _ => None,
        })
        .flatten()
        .collect();
    let dashes: Vec<_> = cells.iter().filter(|c| c.text == "——").collect();
    assert!(!dashes.is_empty() && dashes.iter().all(|c| c.align == juesuan::doc::Align::Center), "—— centred");
}

/// A free text typed one item a line prints one indented body paragraph an item (p01's
/// 项目实施计划 is two lines), and the two writers' 目录 share one list of entries.
#[test]
fn every_line_of_a_text_is_a_paragraph() {
    use juesuan::doc::{ParaStyle, Run};
    let v = view();
    let doc = juesuan::render::report(&v, "p01").unwrap_or_else(|e| panic!("{e}"));
    let body: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { style: ParaStyle::Body, align: None, runs } => Some(
                runs.iter()
                    .map(|r| match r {
                        Run::Text(t) | Run::Strong(t) => t.as_str(),
                        Run::Break => "<br>",
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    let at = body.iter().position(|p| p == "一、按文件要求进行项目储备").expect("the plan's first line is a paragraph");
    assert_eq!(body[at + 1], "二、按文件要求进行审核支出");
    assert!(body.iter().all(|p| !p.contains("<br>")), "no line breaks inside data paragraphs");
    // The report's own 目录 lists its outline headings, in order.
    let toc = doc.toc_lines(4, Some("p01"));
    let names: Vec<&str> = toc.iter().map(|l| l.text).collect();
    assert_eq!(names.first(), Some(&"一、项目基本信息"), "{names:?}");
    assert!(names.contains(&"（二）绩效指标完成情况") && names.last() == Some(&"六、下一步改进措施及管理建议"), "{names:?}");
}
