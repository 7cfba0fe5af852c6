//! The site's fixed files (style sheet, search script) and its own words in Chinese and
//! English.

use serde::Serialize;

use super::Lang;

/// The site's own words in one language.
#[derive(Debug, Clone, Copy, Serialize)]
pub(super) struct Words {
    pub(super) html_lang: &'static str,
    pub(super) help_center: &'static str,
    pub(super) search: &'static str,
    pub(super) placeholder: &'static str,
    pub(super) topics: &'static str,
    pub(super) home: &'static str,
    pub(super) questions: &'static str,
    pub(super) related: &'static str,
    /// `{n}`: how many results.
    pub(super) results: &'static str,
    pub(super) nothing: &'static str,
    pub(super) other: &'static str,
    /// `{n}`: how many entries.
    pub(super) articles: &'static str,
    /// `{n}`: how many more entries.
    pub(super) more: &'static str,
    pub(super) footer: &'static str,
    pub(super) empty: &'static str,
}

const ZH: Words = Words {
    html_lang: "zh-CN",
    help_center: "帮助中心",
    search: "搜索",
    placeholder: "输入您的问题，例如：多久发货",
    topics: "问题分类",
    home: "首页",
    questions: "常见问法",
    related: "相关问题",
    results: "找到 {n} 条相关内容",
    nothing: "没有找到相关内容，换个说法试试？",
    other: "其他",
    articles: "{n} 篇",
    more: "查看其余 {n} 篇",
    footer: "内容与客服团队的知识库同步更新",
    empty: "还没有公开的内容。",
};

const EN: Words = Words {
    html_lang: "en",
    help_center: "Help center",
    search: "Search",
    placeholder: "Type your question, e.g. refund",
    topics: "Topics",
    home: "Home",
    questions: "Also asked as",
    related: "Related",
    results: "{n} results",
    nothing: "Nothing found. Try other words?",
    other: "Other",
    articles: "{n} articles",
    more: "{n} more",
    footer: "Kept current with the support team's knowledge base",
    empty: "Nothing is published yet.",
};

pub(super) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The one style sheet: readable on a 375 px phone, roomier on a desk.
pub(super) const STYLE_CSS: &str = r#"*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.7 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","WenQuanYi Micro Hei",sans-serif;color:#1f2933;background:#f5f7fa}
a{color:#1565c0;text-decoration:none}
a:hover,a:focus{text-decoration:underline}
header{background:#1565c0;color:#fff;padding:20px 16px 24px}
header .wrap{max-width:760px;margin:0 auto}
header a{color:#fff}
.site-name{font-size:14px;opacity:.85;margin:0}
h1.hc{font-size:24px;margin:2px 0 14px;line-height:1.3}
form.search{display:flex;gap:8px}
form.search input{flex:1;min-width:0;font:inherit;padding:10px 14px;border:0;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.2)}
form.search button{font:inherit;padding:10px 16px;border:0;border-radius:8px;background:#0d47a1;color:#fff;cursor:pointer}
main{max-width:760px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:10px;padding:16px;margin:0 0 14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card h2{font-size:18px;margin:0 0 8px;display:flex;justify-content:space-between;align-items:baseline;gap:8px}
.card h2 small{font-size:13px;color:#7b8794;font-weight:normal;white-space:nowrap}
ul.list{list-style:none;margin:0;padding:0}
ul.list li{border-top:1px solid #eef1f4;padding:9px 0}
ul.list li:first-child{border-top:0}
.cat{font-size:13px;color:#7b8794;margin-left:6px}
.snippet{margin:2px 0 0;font-size:14px;color:#52606d}
.count{font-size:14px;color:#52606d;margin:0 0 8px}
nav.crumbs{font-size:14px;color:#7b8794;margin:0 0 10px}
nav.crumbs a{color:#52606d}
article h1{font-size:22px;line-height:1.4;margin:0 0 12px}
article h2{font-size:18px;margin:20px 0 8px}
article h3{font-size:16px;margin:16px 0 6px}
article p,article ul,article ol{margin:0 0 12px}
article ul,article ol{padding-left:22px}
article blockquote{margin:0 0 12px;padding:4px 12px;border-left:4px solid #bbdefb;color:#52606d}
article table{display:block;overflow-x:auto;border-collapse:collapse;margin:0 0 12px;font-size:14px}
article th,article td{border:1px solid #d9e2ec;padding:6px 10px;text-align:left;vertical-align:top}
article th{background:#f0f4f8}
article code{background:#f0f4f8;padding:0 4px;border-radius:4px;font-size:90%}
article pre{overflow-x:auto;background:#f0f4f8;padding:10px;border-radius:6px}
.asked li{color:#3e4c59}
nav.topics{display:flex;flex-wrap:wrap;gap:8px}
nav.topics h2{width:100%;margin:0}
nav.topics a{padding:4px 12px;border-radius:16px;background:#e3f2fd;font-size:14px}
details summary{cursor:pointer;color:#1565c0;padding:8px 0 0;font-size:14px}
footer{max-width:760px;margin:0 auto;padding:8px 16px 32px;font-size:13px;color:#9aa5b1;text-align:center}
[hidden]{display:none!important}
@media (min-width:700px){h1.hc{font-size:30px}header{padding:28px 16px 32px}main{padding:24px 16px}}
"#;

/// The search: tokenises the query against the prebuilt index (`search-index.js`,
/// `window.LORE_INDEX`), expands synonyms, scores BM25-like and lists results as one
/// types; a `?q=` in the address runs a search on load.
pub(super) const SEARCH_JS: &str = include_str!("search.js");
