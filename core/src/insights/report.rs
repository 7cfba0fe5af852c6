//! The weekly report a lead sends on: the insights as a Markdown or a self-contained HTML
//! file (no scripts, no outside resources), in Chinese. Who asked what never appears in
//! it — only how many asked; entries to check name their owner and last verifier.

use std::fmt::Write;

use super::{EntryUse, Insights};

/// The file format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

impl ReportFormat {
    /// The format a file name asks for: `.html`/`.htm` is HTML, anything else Markdown.
    pub fn of_path(path: &std::path::Path) -> ReportFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => {
                ReportFormat::Html
            }
            _ => ReportFormat::Markdown,
        }
    }
}

/// A local day number as `YYYY-MM-DD`.
pub fn date(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
}

/// A change against the period before, as `↑12%`, `↓3%`, `新` or `—`.
pub fn trend(now: u64, before: u64) -> String {
    if before == 0 {
        return if now > 0 { "新".into() } else { "—".into() };
    }
    let change = (now as f64 - before as f64) / before as f64 * 100.0;
    match change.round() as i64 {
        0 => "持平".into(),
        c if c > 0 => format!("↑{c}%"),
        c => format!("↓{}%", -c),
    }
}

/// Rows a report's table shows; the rest are counted in a line under it.
const ROWS: usize = 30;

/// A table: a header row and rows of cells.
struct Table {
    head: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

/// The report's sections: title and table (an empty table is said in a line).
fn sections(i: &Insights) -> Vec<(String, Table)> {
    let uses = |list: &[EntryUse], rate: bool| Table {
        head: if rate {
            vec!["条目", "使用", "解决率"]
        } else {
            vec!["条目", "使用"]
        },
        rows: list
            .iter()
            .map(|u| {
                let mut row = vec![format!("{}（{}）", u.title, u.id), u.uses.to_string()];
                if rate {
                    row.push(format!(
                        "{:.0}%（{}/{}）",
                        u.solve_rate().unwrap_or(0.0) * 100.0,
                        u.solved,
                        u.marked
                    ));
                }
                row
            })
            .collect(),
    };
    vec![
        (
            "热门搜索".into(),
            Table {
                head: vec!["搜索", "次数", "趋势", "无结果", "之后复制"],
                rows: i
                    .top
                    .iter()
                    .map(|q| {
                        vec![
                            q.text.clone(),
                            q.count.to_string(),
                            trend(q.count, q.previous),
                            q.empty.to_string(),
                            q.copied.to_string(),
                        ]
                    })
                    .collect(),
            },
        ),
        (
            "知识缺口（客户问了、知识库没答上）".into(),
            Table {
                head: vec!["问题", "次数", "无结果", "相近问法"],
                rows: i
                    .gaps
                    .iter()
                    .map(|g| {
                        vec![
                            g.text.clone(),
                            g.count.to_string(),
                            g.found_nothing.to_string(),
                            g.phrasings[1..].join("；"),
                        ]
                    })
                    .collect(),
            },
        ),
        (
            "客户消息热词".into(),
            Table {
                head: vec!["词", "次数", "趋势"],
                rows: i
                    .hot_words
                    .iter()
                    .map(|w| {
                        vec![
                            w.word.clone(),
                            w.count.to_string(),
                            trend(w.count, w.previous),
                        ]
                    })
                    .collect(),
            },
        ),
        ("最常用的回复".into(), uses(&i.most_used, true)),
        (
            format!(
                "解决率低于 {:.0}% 的条目（需要更新）",
                i.solve_threshold * 100.0
            ),
            uses(&i.low_solve, true),
        ),
        ("用得最少的回复".into(), uses(&i.least_used, false)),
        ("从未使用的回复".into(), uses(&i.never_used, false)),
        (
            format!(
                "需要核实的条目（已过期 {}，即将到期 {}，未核实 {}）",
                i.freshness.overdue, i.freshness.due_soon, i.freshness.unverified
            ),
            Table {
                head: vec!["条目", "状态", "负责人", "上次核实", "下次核实"],
                rows: i
                    .to_check
                    .iter()
                    .map(|f| {
                        vec![
                            format!("{}（{}）", f.title, f.id),
                            f.state.badge_zh().unwrap_or("").to_string(),
                            f.owner_name.clone(),
                            f.last
                                .as_ref()
                                .map(|v| format!("{} {}", v.by_name, date(v.at.div_euclid(86_400))))
                                .unwrap_or_default(),
                            f.due
                                .map(|d| date(d.div_euclid(86_400)))
                                .unwrap_or_default(),
                        ]
                    })
                    .collect(),
            },
        ),
        (
            "候选问法（搜索后复制了该条目）".into(),
            Table {
                head: vec!["问法", "条目", "次数"],
                rows: i
                    .candidates
                    .iter()
                    .map(|c| {
                        vec![
                            c.text.clone(),
                            format!("{}（{}）", c.title, c.entry),
                            c.count.to_string(),
                        ]
                    })
                    .collect(),
            },
        ),
    ]
}

fn heading(i: &Insights) -> (String, String) {
    let span = if i.days == 0 {
        format!("截至 {}", date(i.today))
    } else {
        format!("{} 至 {}", date(i.since), date(i.today))
    };
    let summary = format!(
        "搜索 {} 次（{}），客户消息 {} 条（{}），无结果 {} 次。",
        i.searches,
        trend(i.searches, i.searches_before),
        i.messages,
        trend(i.messages, i.messages_before),
        i.empty
    );
    (format!("知识库周报 · {span}"), summary)
}

/// The line under a table cut at [`ROWS`].
fn more(table: &Table) -> Option<String> {
    (table.rows.len() > ROWS).then(|| format!("……另有 {} 条。", table.rows.len() - ROWS))
}

/// Cell text safe inside a Markdown table.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as a file's text.
pub fn render(i: &Insights, format: ReportFormat) -> String {
    let (title, summary) = heading(i);
    let mut out = String::new();
    match format {
        ReportFormat::Markdown => {
            let _ = writeln!(out, "# {title}\n\n{summary}\n");
            for (name, table) in sections(i) {
                let _ = writeln!(out, "## {name}\n");
                if table.rows.is_empty() {
                    let _ = writeln!(out, "无。\n");
                    continue;
                }
                let _ = writeln!(out, "| {} |", table.head.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(table.head.len()));
                for row in table.rows.iter().take(ROWS) {
                    let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                if let Some(more) = more(&table) {
                    let _ = writeln!(out, "\n{more}");
                }
                out.push('\n');
            }
        }
        ReportFormat::Html => {
            let _ = write!(
                out,
                "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <title>{t}</title><style>body{{font-family:sans-serif;max-width:52rem;\
                 margin:2rem auto;padding:0 1rem;color:#222}}table{{border-collapse:collapse;\
                 width:100%;margin-bottom:1.5rem}}th,td{{border-bottom:1px solid #ddd;\
                 padding:.35rem .5rem;text-align:left}}th{{background:#f4f4f4}}</style>\
                 </head><body>\n<h1>{t}</h1>\n<p>{s}</p>\n",
                t = html_escape(&title),
                s = html_escape(&summary)
            );
            for (name, table) in sections(i) {
                let _ = writeln!(out, "<h2>{}</h2>", html_escape(&name));
                if table.rows.is_empty() {
                    let _ = writeln!(out, "<p>无。</p>");
                    continue;
                }
                out.push_str("<table><tr>");
                for h in &table.head {
                    let _ = write!(out, "<th>{}</th>", html_escape(h));
                }
                out.push_str("</tr>\n");
                for row in table.rows.iter().take(ROWS) {
                    out.push_str("<tr>");
                    for c in row {
                        let _ = write!(out, "<td>{}</td>", html_escape(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</table>\n");
                if let Some(more) = more(&table) {
                    let _ = writeln!(out, "<p>{}</p>", html_escape(&more));
                }
            }
            out.push_str("</body></html>\n");
        }
    }
    out
}
