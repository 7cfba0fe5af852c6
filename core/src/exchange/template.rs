//! Ready-to-fill import templates: a team copies one, replaces the examples with its own
//! entries, and imports it. Importing a template as it is adds its two examples.

use super::export::{CsvEncoding, ExportFormat, encode};
use crate::Result;

/// The CSV template: Chinese headers, an FAQ and a script, lists separated as people type
/// them (`；` and `、`), a shortcode on the script.
const CSV: &str = "\
类型,标题,正文,问法,标签,分类,快捷码,状态,仅内部\r
常见问题,退货运费谁来出,\"七天无理由退货的运费由买家承担；商品有质量问题的，来回运费由我们承担。\n在「我的订单」里申请退货并上传照片即可。\",退货要自己出运费吗；质量问题退货运费谁出；退货邮费,退货、运费,售后,,已发布,否\r
话术,快递延误致歉,亲，非常抱歉让您久等了！我已经帮您催促快递，有任何进展会第一时间通知您。,快递怎么还没到；物流好几天没更新,物流、致歉,物流,#yanwu,已发布,否\r
";

/// The JSON Lines template: the same two entries with Lore's field names.
const JSONL: &str = r##"{"kind":"faq","title":"退货运费谁来出","body":"七天无理由退货的运费由买家承担；商品有质量问题的，来回运费由我们承担。\n在「我的订单」里申请退货并上传照片即可。","questions":["退货要自己出运费吗","质量问题退货运费谁出","退货邮费"],"tags":["退货","运费"],"category":"售后","status":"published"}
{"kind":"script","title":"快递延误致歉","body":"亲，非常抱歉让您久等了！我已经帮您催促快递，有任何进展会第一时间通知您。","questions":["快递怎么还没到","物流好几天没更新"],"tags":["物流","致歉"],"category":"物流","shortcode":"#yanwu","status":"published"}
"##;

/// The Markdown template: one file is one entry, its fields in the front matter (a
/// shortcode in quotes, as YAML reads `#` as a comment) and its body below.
const MARKDOWN: &str = r##"---
kind: script
title: 快递延误致歉
questions:
  - 快递怎么还没到
  - 物流好几天没更新
tags: [物流, 致歉]
category: 物流
shortcode: "#yanwu"
status: published
---
亲，非常抱歉让您久等了！我已经帮您催促快递，有任何进展会第一时间通知您。
"##;

/// The bytes of the import template in `format`, ready to save under a name ending in
/// `.csv`, `.jsonl` or `.md`. CSV is UTF-8 with a BOM, or GBK when asked.
pub fn template(format: ExportFormat) -> Result<Vec<u8>> {
    Ok(match format {
        ExportFormat::Csv(CsvEncoding::Utf8) => encode(CSV, CsvEncoding::Utf8, &[])?,
        ExportFormat::Csv(CsvEncoding::Gbk) => encode(CSV, CsvEncoding::Gbk, &[])?,
        ExportFormat::Jsonl => JSONL.as_bytes().to_vec(),
        ExportFormat::Markdown => MARKDOWN.as_bytes().to_vec(),
    })
}

/// The file extension a template in `format` is saved with.
pub fn template_extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv(_) => "csv",
        ExportFormat::Jsonl => "jsonl",
        ExportFormat::Markdown => "md",
    }
}
