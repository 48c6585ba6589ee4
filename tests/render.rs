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
}
