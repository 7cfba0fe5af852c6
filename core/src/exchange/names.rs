//! The exchange format's column names and values in English and Chinese. A team's own
//! spreadsheet may say 标题 where Lore says `title`, or 话术 where it says `script`; both
//! are read, and a CSV export writes the Chinese ones (which read back the same).

use crate::model::{Kind, Status};

/// Every column: the record field, then its Chinese names (the first is the one written).
const COLUMNS: [(&str, &[&str]); 21] = [
    ("id", &["编号", "ID"]),
    ("kind", &["类型"]),
    ("title", &["标题"]),
    ("body", &["正文", "内容"]),
    ("questions", &["问法", "相似问法"]),
    ("tags", &["标签"]),
    ("category", &["分类"]),
    ("shortcode", &["快捷码"]),
    ("status", &["状态"]),
    ("internal", &["仅内部", "内部"]),
    ("persona", &["客户画像", "角色"]),
    ("opening", &["开场白"]),
    ("turns", &["对话轮次"]),
    ("key_points", &["要点"]),
    ("options", &["选项"]),
    ("links", &["关联"]),
    ("created_at", &["创建时间"]),
    ("created_by", &["创建人"]),
    ("owner", &["负责人"]),
    (
        "verify_every_days",
        &["核实周期（天）", "核实周期(天)", "核实周期"],
    ),
    ("answers", &["回答", "贡献回答"]),
];

/// The record field a column header names, in either language (English in any case).
pub(crate) fn field(header: &str) -> Option<&'static str> {
    let header = header.trim();
    COLUMNS
        .iter()
        .find(|(field, chinese)| {
            field.eq_ignore_ascii_case(header)
                || chinese.iter().any(|c| c.eq_ignore_ascii_case(header))
        })
        .map(|(field, _)| *field)
}

/// The Chinese header written for a field.
pub(crate) fn chinese(field: &str) -> &'static str {
    COLUMNS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, chinese)| chinese[0])
        .unwrap_or("")
}

/// Every column a CSV file may have, in both languages: `title (标题)`, …
pub(crate) fn csv_columns() -> String {
    COLUMNS
        .iter()
        .filter(|(field, _)| *field != "answers")
        .map(|(field, chinese)| format!("{field} ({})", chinese.join("/")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Kinds in Chinese (and the usual abbreviations), beside the English names.
const KINDS: [(Kind, &[&str]); 4] = [
    (Kind::Faq, &["常见问题", "问答", "FAQ"]),
    (Kind::Script, &["话术"]),
    (Kind::Sop, &["流程", "SOP"]),
    (Kind::Training, &["培训"]),
];

/// Statuses in Chinese, beside the English names.
const STATUSES: [(Status, &[&str]); 3] = [
    (Status::Draft, &["草稿"]),
    (Status::Published, &["已发布", "发布"]),
    (Status::Archived, &["已归档", "归档"]),
];

/// A kind named in English or Chinese.
pub(crate) fn kind(value: &str) -> Result<Kind, String> {
    let value = value.trim();
    KINDS
        .iter()
        .find(|(k, names)| {
            k.as_str().eq_ignore_ascii_case(value)
                || names.iter().any(|n| n.eq_ignore_ascii_case(value))
        })
        .map(|(k, _)| *k)
        .ok_or_else(|| {
            format!("unknown kind `{value}`: use faq, script, sop or training (常见问题, 话术, 流程, 培训)")
        })
}

/// A status named in English or Chinese.
pub(crate) fn status(value: &str) -> Result<Status, String> {
    let value = value.trim();
    STATUSES
        .iter()
        .find(|(s, names)| {
            s.as_str().eq_ignore_ascii_case(value)
                || names.iter().any(|n| n.eq_ignore_ascii_case(value))
        })
        .map(|(s, _)| *s)
        .ok_or_else(|| {
            format!(
                "unknown status `{value}`: use draft, published or archived (草稿, 已发布, 已归档)"
            )
        })
}

/// The Chinese name a CSV export writes for a kind.
pub(crate) fn kind_chinese(kind: Kind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, names)| names[0])
        .unwrap_or("")
}

/// The Chinese name a CSV export writes for a status.
pub(crate) fn status_chinese(status: Status) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, names)| names[0])
        .unwrap_or("")
}

/// A yes/no cell: English words, 1/0, 是/否, or 内部/公开 for the `internal` column.
pub(crate) fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "内部" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "公开" => Some(false),
        _ => None,
    }
}
