//! The site's pages: the home page (a search box, then every category with its entries)
//! and one page per entry (breadcrumbs, title, body, the customers' ways of asking,
//! related entries). Every link is relative, so the site works from disk and from any
//! folder of a static host.

use std::collections::{BTreeMap, HashMap};

use super::assets::{Words, words};
use super::render::{self, escape};
use super::{Lang, RELATED};
use crate::model::Entry;

/// Entries a category shows on the home page before the rest, which open on a click.
const FIRST: usize = 6;

/// The page of entry `id`, relative to the site's root (ids are lowercase letters,
/// digits, `-` and `_`, safe in a path).
pub(super) fn entry_path(id: &str) -> String {
    format!("e/{id}.html")
}

pub(super) struct Pages<'a> {
    entries: &'a [&'a Entry],
    by_id: HashMap<&'a str, &'a Entry>,
    /// Entry id → the entries most like it.
    similar: HashMap<&'a str, Vec<&'a Entry>>,
    /// Categories in order (the uncategorised last), each with its entries.
    categories: Vec<(String, Vec<&'a Entry>)>,
    team: &'a str,
    words: &'static Words,
}

impl<'a> Pages<'a> {
    pub(super) fn new(
        entries: &'a [&'a Entry],
        team: &'a str,
        lang: Lang,
        similar: &[Vec<usize>],
    ) -> Pages<'a> {
        let words = words(lang);
        let mut grouped: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        for e in entries {
            grouped.entry(e.category.as_str()).or_default().push(e);
        }
        // Entries in the site's language first, each part by title.
        for list in grouped.values_mut() {
            list.sort_by_key(|e| (e.title.is_ascii() != (lang == Lang::En), e.title.as_str()));
        }
        let other = grouped.remove("");
        let mut categories: Vec<(String, Vec<&Entry>)> = grouped
            .into_iter()
            .map(|(c, list)| (c.to_string(), list))
            .collect();
        categories.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        if let Some(list) = other {
            categories.push((words.other.to_string(), list));
        }
        Pages {
            entries,
            by_id: entries.iter().map(|e| (e.id.as_str(), *e)).collect(),
            similar: entries
                .iter()
                .zip(similar)
                .map(|(e, like)| (e.id.as_str(), like.iter().map(|&o| entries[o]).collect()))
                .collect(),
            categories,
            team,
            words,
        }
    }

    /// The page frame: `root` is the way back to the site's root (`""` or `"../"`).
    fn page(&self, title: &str, root: &str, main: &str) -> String {
        let w = self.words;
        let team = if self.team.is_empty() {
            String::new()
        } else {
            format!("<p class=\"site-name\">{}</p>", escape(self.team))
        };
        let scripts = if root.is_empty() {
            "<script src=\"search-index.js\"></script>\n<script src=\"search.js\"></script>\n"
        } else {
            ""
        };
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<link rel=\"stylesheet\" href=\"{root}style.css\">\n</head>\n\
             <body>\n<header><div class=\"wrap\">{team}\n\
             <h1 class=\"hc\"><a href=\"{root}index.html\">{hc}</a></h1>\n\
             <form class=\"search\" action=\"{root}index.html\" method=\"get\" role=\"search\">\
             <input id=\"q\" name=\"q\" type=\"search\" placeholder=\"{placeholder}\" \
             aria-label=\"{search}\" autocomplete=\"off\">\
             <button type=\"submit\">{search}</button></form>\n</div></header>\n\
             <main>\n{main}</main>\n<footer>{footer}</footer>\n{scripts}</body>\n</html>\n",
            lang = w.html_lang,
            title = escape(title),
            hc = w.help_center,
            placeholder = escape(w.placeholder),
            search = w.search,
            footer = w.footer,
        )
    }

    /// One entry's line in a list.
    fn item(&self, e: &Entry, root: &str) -> String {
        format!(
            "<li><a href=\"{root}{}\">{}</a></li>\n",
            entry_path(&e.id),
            escape(&e.title)
        )
    }

    pub(super) fn home(&self) -> String {
        let w = self.words;
        let mut main = String::from(
            "<section id=\"results\" class=\"card\" hidden aria-live=\"polite\"></section>\n<div id=\"browse\">\n",
        );
        if self.entries.is_empty() {
            main.push_str(&format!("<p class=\"card\">{}</p>\n", w.empty));
        }
        if self.categories.len() > 1 {
            main.push_str(&format!(
                "<nav class=\"card topics\" aria-label=\"{0}\"><h2>{0}</h2>\n",
                w.topics
            ));
            for (n, (category, _)) in self.categories.iter().enumerate() {
                main.push_str(&format!("<a href=\"#c{n}\">{}</a>\n", escape(category)));
            }
            main.push_str("</nav>\n");
        }
        for (n, (category, list)) in self.categories.iter().enumerate() {
            main.push_str(&format!(
                "<section class=\"card\" id=\"c{n}\"><h2>{}<small>{}</small></h2>\n<ul class=\"list\">\n",
                escape(category),
                w.articles.replace("{n}", &list.len().to_string())
            ));
            for e in list.iter().take(FIRST) {
                main.push_str(&self.item(e, ""));
            }
            main.push_str("</ul>\n");
            if list.len() > FIRST {
                main.push_str(&format!(
                    "<details><summary>{}</summary>\n<ul class=\"list\">\n",
                    w.more.replace("{n}", &(list.len() - FIRST).to_string())
                ));
                for e in &list[FIRST..] {
                    main.push_str(&self.item(e, ""));
                }
                main.push_str("</ul></details>\n");
            }
            main.push_str("</section>\n");
        }
        main.push_str("</div>\n");
        let title = if self.team.is_empty() {
            w.help_center.to_string()
        } else {
            format!("{} · {}", w.help_center, self.team)
        };
        self.page(&title, "", &main)
    }

    /// Public entries this one links to, then others of its category — those sharing most
    /// of its telling words first — `RELATED` at most.
    fn related(&self, entry: &Entry) -> Vec<&'a Entry> {
        let mut out: Vec<&Entry> = entry
            .links
            .iter()
            .filter_map(|id| self.by_id.get(id.as_str()).copied())
            .filter(|e| e.id != entry.id)
            .collect();
        out.dedup_by(|a, b| a.id == b.id);
        for e in self.similar.get(entry.id.as_str()).into_iter().flatten() {
            if out.len() < RELATED
                && e.category == entry.category
                && !out.iter().any(|o| o.id == e.id)
            {
                out.push(e);
            }
        }
        if let Some((_, list)) = self.categories.iter().find(|(c, list)| {
            (c == &entry.category || entry.category.is_empty())
                && list.iter().any(|e| e.id == entry.id)
        }) {
            for e in list {
                if out.len() >= RELATED {
                    break;
                }
                if e.id != entry.id && !out.iter().any(|o| o.id == e.id) {
                    out.push(e);
                }
            }
        }
        out.truncate(RELATED);
        out
    }

    pub(super) fn entry(&self, entry: &Entry) -> String {
        let w = self.words;
        let category = self
            .categories
            .iter()
            .position(|(_, list)| list.iter().any(|e| e.id == entry.id));
        let mut main = String::from("<nav class=\"crumbs\">");
        main.push_str(&format!("<a href=\"../index.html\">{}</a>", w.home));
        if let Some(n) = category {
            main.push_str(&format!(
                " › <a href=\"../index.html#c{n}\">{}</a>",
                escape(&self.categories[n].0)
            ));
        }
        main.push_str("</nav>\n<article class=\"card\">\n");
        main.push_str(&format!("<h1>{}</h1>\n", escape(&entry.title)));
        main.push_str(&render::html(&entry.body));
        main.push_str("</article>\n");
        if !entry.questions.is_empty() {
            main.push_str(&format!(
                "<section class=\"card asked\"><h2>{}</h2>\n<ul>\n",
                w.questions
            ));
            for q in &entry.questions {
                main.push_str(&format!("<li>{}</li>\n", escape(q)));
            }
            main.push_str("</ul></section>\n");
        }
        let related = self.related(entry);
        if !related.is_empty() {
            main.push_str(&format!(
                "<section class=\"card\"><h2>{}</h2>\n<ul class=\"list\">\n",
                w.related
            ));
            for e in related {
                main.push_str(&self.item(e, "../"));
            }
            main.push_str("</ul></section>\n");
        }
        let title = format!("{} · {}", entry.title, w.help_center);
        self.page(&title, "../", &main)
    }
}
