//! Building queries in code from what the user typed (never QueryParser on raw input, which
//! turns a run of CJK tokens into a slop-0 phrase: tantivy#718).

use std::collections::{BTreeSet, HashMap};

use tantivy::schema::Field;

use super::analysis::{ChineseTokenizer, bigrams, is_cjk, latin_words, normalise, stem};
use super::schema::{Fields, Triple};

/// How the input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Search-as-you-type: the last token may be unfinished.
    Search,
    /// A whole customer message: filler words dropped, nothing unfinished.
    Suggest,
}

/// The team's synonym groups, looked up by normalised word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    others: HashMap<String, Vec<String>>,
}

impl Synonyms {
    pub(crate) fn new(groups: &[Vec<String>]) -> Synonyms {
        let mut others: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            let words: Vec<String> = group.iter().map(|w| normalise(w.trim())).collect();
            for w in &words {
                let entry = others.entry(w.clone()).or_default();
                entry.extend(words.iter().filter(|o| *o != w).cloned());
            }
        }
        Synonyms { others }
    }

    pub(crate) fn of(&self, word: &str) -> &[String] {
        self.others.get(word).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Weight of a single character in a message, against 1 for a word.
const SINGLE_WEIGHT: f32 = 0.5;

/// How many of a message's words a suggestion searches for: the most specific ones.
const SUGGEST_WORDS: usize = 8;

/// Words that carry no meaning in a query (particles, pronouns, greetings, filler).
pub(crate) const STOP_ZH: &[&str] = &[
    "的",
    "了",
    "吗",
    "呢",
    "啊",
    "吧",
    "呀",
    "哦",
    "嘛",
    "么",
    "我",
    "你",
    "您",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "是",
    "在",
    "有",
    "和",
    "就",
    "都",
    "也",
    "还",
    "请问",
    "你好",
    "您好",
    "在吗",
    "亲",
    "谢谢",
    "一下",
    "这个",
    "那个",
    "什么",
    "怎么",
    "怎么办",
    "如何",
    "可以",
    "能",
    "能不能",
    "想",
    "要",
    "请",
    "麻烦",
    "帮",
    "帮忙",
    "我的",
    "一个",
    "个",
    "下",
    "给",
    "把",
    "被",
    "让",
    "嗯",
    "好",
    "好的",
    "哈",
    "上",
    "不",
    "没",
    "没有",
    "会",
    "着",
    "过",
    "吧",
    "呗",
    "咋",
    "咋办",
    "为什么",
    "这",
    "那",
    "跟",
    "到",
    "说",
    "问",
    "问下",
    "问一下",
    "现在",
    "已经",
    "然后",
    "但是",
];
pub(crate) const STOP_EN: &[&str] = &[
    "a", "an", "the", "to", "my", "i", "is", "am", "are", "how", "what", "can", "do", "does",
    "did", "of", "for", "in", "on", "it", "me", "you", "your", "and", "or", "be", "with", "when",
    "will", "this", "that", "get", "hi", "hello", "please", "there", "at", "from", "was", "have",
    "has", "why", "where", "which", "would", "could", "should", "we", "our", "us", "if", "so",
    "just", "about", "any",
];

/// What to look for: exact terms, and prefixes and misspellings that the index expands
/// into terms from its dictionaries, each with a weight. Everything ends up as plain term
/// queries in one union, which tantivy can prune (block-max WAND).
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) terms: Vec<(Field, String, f32)>,
    pub(crate) prefixes: Vec<(Field, String, f32)>,
    pub(crate) fuzzy: Vec<(Field, String, u8, f32)>,
    pub(crate) highlight: BTreeSet<String>,
    /// A message's concepts, for how well a suggestion covers it (`rank::coverage`).
    pub(crate) concepts: Vec<Concept>,
    /// The weight of a message's words the library uses nowhere (nor any synonym of
    /// them): what no entry answers, for a suggestion's confidence (`rank::confidence`).
    pub(crate) unknown: f32,
}

/// One thing a message asks about: a word with its synonyms (normalised, lower case),
/// weighted by how specific it is and whether it is in the message's question.
#[derive(Debug)]
pub(crate) struct Concept {
    pub(crate) forms: Vec<String>,
    pub(crate) weight: f32,
    /// For a Chinese word no entry uses, how it is spelled in pinyin (`sound::spell`): a
    /// text that says a word sounding the same covers it (a slip of the input method).
    pub(crate) sound: Option<String>,
}

impl Concept {
    /// Word `w` with its synonyms, weighted `weight` times how specific it is: `named`
    /// of the `num_docs` entries use it.
    fn of(w: &str, synonyms: &Synonyms, named: u64, num_docs: u64, weight: f32) -> Concept {
        let forms = std::iter::once(w.to_string())
            .chain(synonyms.of(w).iter().map(|s| s.to_lowercase()))
            .collect();
        let specific = (1.0 + num_docs as f32 / (1.0 + named as f32)).ln();
        let sound = (named == 0 && w.chars().count() >= 2 && w.chars().all(is_cjk))
            .then(|| super::sound::spell(w));
        Concept {
            forms,
            weight: weight * specific,
            sound,
        }
    }
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.prefixes.is_empty() && self.fuzzy.is_empty()
    }
}

impl Plan {
    fn term(&mut self, field: Field, text: &str, boost: f32) {
        self.terms.push((field, text.to_string(), boost));
    }

    fn prefix(&mut self, field: Field, text: &str, boost: f32) {
        self.prefixes.push((field, text.to_string(), boost));
    }

    fn fuzzy(&mut self, field: Field, text: &str, distance: u8, boost: f32) {
        self.fuzzy.push((field, text.to_string(), distance, boost));
    }

    /// A term on the title, questions, body and extra of one analysis, weighted.
    fn across(
        &mut self,
        pick: impl Fn(&Triple) -> Field,
        fields: &Fields,
        text: &str,
        weight: f32,
    ) {
        self.main(&pick, fields, text, weight);
        self.term(pick(&fields.extra), text, 0.5 * weight);
    }

    /// A term on the title, questions and body only (synonyms, bigrams: fewer clauses).
    fn main(&mut self, pick: impl Fn(&Triple) -> Field, fields: &Fields, text: &str, weight: f32) {
        self.short(&pick, fields, text, weight);
        self.term(pick(&fields.body), text, weight);
    }

    /// A term on the title and questions only.
    fn short(&mut self, pick: impl Fn(&Triple) -> Field, fields: &Fields, text: &str, weight: f32) {
        self.term(pick(&fields.title), text, 4.0 * weight);
        self.term(pick(&fields.questions), text, 3.0 * weight);
    }
}

/// Builds the query for `input`; `None` when nothing in it can be searched.
pub(crate) fn build(
    input: &str,
    mode: Mode,
    fields: &Fields,
    zh: &ChineseTokenizer,
    synonyms: &Synonyms,
    doc_freq: &dyn Fn(Field, &str) -> u64,
    num_docs: u64,
) -> Option<Plan> {
    let known = |field, text: &str| doc_freq(field, text) > 0;
    let text = match mode {
        Mode::Search => normalise(input),
        Mode::Suggest => normalise(&super::incidental::without_greetings(input)),
    };
    let chinese_query = text.chars().any(is_cjk);
    let mut c = Plan::default();
    // Shortcodes are exact: `#2` finds the script with that shortcode.
    for word in text
        .split_whitespace()
        .filter(|w| w.starts_with('#') && w.len() > 1)
    {
        c.term(fields.shortcode, word, 50.0);
    }
    // A query that is one known shortcode and nothing else finds that script only, not
    // every text with its digits in it.
    let mut tokens = text.split_whitespace();
    if let (Some(only), None) = (tokens.next(), tokens.next())
        && only.starts_with('#')
        && known(fields.shortcode, only)
    {
        return Some(c);
    }
    let unfinished =
        mode == Mode::Search && text.chars().last().is_some_and(|ch| ch.is_alphanumeric());

    // Chinese words, with their synonyms.
    let words: Vec<String> = zh
        .words(&text)
        .into_iter()
        .filter(|w| w.chars().any(is_cjk))
        .collect();
    let meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !STOP_ZH.contains(&w.as_str()))
        .filter(|w| mode == Mode::Search || !super::incidental::is_incidental(w))
        .collect();
    // In a message, the words of its questions weigh more than the rest (greetings,
    // what happened when, which product).
    let asked = match mode {
        Mode::Suggest => super::incidental::question_words(&text, zh, &|w: &str| {
            w.chars().any(is_cjk) && !STOP_ZH.contains(&w) && !super::incidental::is_incidental(w)
        }),
        Mode::Search => Vec::new(),
    };
    let weight_of = |w: &str| {
        // A single character says less than a word, wherever it stands.
        let single = if w.chars().count() == 1 {
            SINGLE_WEIGHT
        } else {
            1.0
        };
        if asked.is_empty() || asked.iter().any(|a| a == w) {
            single
        } else {
            single * super::incidental::CONTEXT_WEIGHT
        }
    };
    let mut zh_words = if meaningful.is_empty() && mode == Mode::Search {
        words.iter().collect()
    } else {
        meaningful
    };
    if mode == Mode::Suggest {
        // A message: a handful of the words the library knows — first those that name
        // topics (they occur in titles or questions), the most specific first.
        let mut unknown: Vec<&String> = Vec::new();
        let mut ranked: Vec<((bool, bool, u64), &String)> = zh_words
            .iter()
            .filter_map(|w| {
                let named = doc_freq(fields.title.zh, w) + doc_freq(fields.questions.zh, w);
                let body = doc_freq(fields.body.zh, w);
                let context = weight_of(w) < 1.0;
                if named + body > 0 {
                    return Some(((context, named == 0, named + body), *w));
                }
                // A word the library does not use may have a synonym it does (送餐费 for
                // 配送费): it then stands for that synonym.
                let via: u64 = synonyms
                    .of(w)
                    .iter()
                    .flat_map(|s| zh.cut(s))
                    .map(|s| doc_freq(fields.title.zh, &s) + doc_freq(fields.questions.zh, &s))
                    .max()
                    .unwrap_or(0);
                if via == 0 {
                    unknown.push(*w);
                }
                (via > 0).then_some(((context, false, via), *w))
            })
            .collect();
        ranked.sort_by_key(|(key, _)| *key);
        ranked.dedup_by(|a, b| a.1 == b.1);
        ranked.truncate(SUGGEST_WORDS);
        zh_words = ranked.into_iter().map(|(_, w)| w).collect();
        unknown.sort();
        unknown.dedup();
        // Each as specific as a word can be: no entry uses it.
        let specific = (1.0 + num_docs as f32).ln();
        c.unknown = unknown.iter().map(|w| weight_of(w) * specific).sum();
    }
    for w in &zh_words {
        if mode == Mode::Suggest {
            // A message has many words; those in more than a tenth of all bodies cost the
            // most and say the least, so they count only in titles and questions.
            let weight = weight_of(w);
            c.term(fields.title.zh, w, 4.0 * weight);
            c.term(fields.questions.zh, w, 3.0 * weight);
            let df = doc_freq(fields.body.zh, w);
            if df * 10 <= num_docs {
                c.term(fields.body.zh, w, weight);
            }
            let named = df + doc_freq(fields.title.zh, w) + doc_freq(fields.questions.zh, w);
            c.concepts
                .push(Concept::of(w, synonyms, named, num_docs, weight));
        } else {
            // A typed query's words by how specific they are, for how well an entry
            // covers them (a single character matters little once an entry is scored
            // by the words it covers).
            c.across(|t| t.zh, fields, w, 1.0);
            if !STOP_ZH.contains(&w.as_str()) {
                let named = doc_freq(fields.body.zh, w)
                    + doc_freq(fields.title.zh, w)
                    + doc_freq(fields.questions.zh, w);
                c.concepts
                    .push(Concept::of(w, synonyms, named, num_docs, 1.0));
            }
        }
        c.highlight.insert((*w).clone());
        for syn in synonyms.of(w) {
            add_synonym(&mut c, fields, zh, syn, chinese_query, mode);
        }
    }
    // CJK bigrams catch partial words and segmentation that differs from the index's.
    let grams = bigrams(&text);
    let bigram_weight = 0.5;
    // A pasted message is complete text, so its words suffice; bigrams are for what is
    // typed (partial, differently segmented) and go to the short fields only, where
    // their postings are short.
    if mode == Mode::Search {
        for (gram, _, _) in &grams {
            // A bigram that is itself a query word adds nothing the word did not.
            let is_word = zh_words.contains(&gram);
            if (gram.chars().count() == 2 || grams.len() == 1) && !is_word {
                c.term(fields.title.bi, gram, 4.0 * bigram_weight);
                c.term(fields.questions.bi, gram, 3.0 * bigram_weight);
            }
        }
    }

    // Latin words: stemmed, fuzzy when long, synonyms across languages.
    let latin: Vec<String> = latin_words(&text)
        .into_iter()
        .map(|(w, _, _)| w)
        .filter(|w| !STOP_EN.contains(&w.as_str()))
        // Order numbers, dates and times in a message say nothing about the question.
        .filter(|w| mode == Mode::Search || !w.chars().any(|ch| ch.is_ascii_digit()))
        .collect();
    for w in &latin {
        let stemmed = stem(w);
        if stemmed.is_empty() {
            continue;
        }
        c.across(|t| t.en, fields, &stemmed, 1.0);
        c.highlight.insert(w.clone());
        if mode == Mode::Suggest {
            let df = doc_freq(fields.body.en, &stemmed) + doc_freq(fields.title.en, &stemmed);
            c.concepts.push(Concept {
                forms: vec![stemmed.clone()],
                weight: (1.0 + num_docs as f32 / (1.0 + df as f32)).ln(),
                sound: None,
            });
        }
        let letters = w.chars().count();
        // Fuzzy only for words the library does not know: typos, not every long word.
        if letters >= 5
            && w.chars().all(|ch| ch.is_ascii_alphabetic())
            && !known(fields.body.en, &stemmed)
            && !known(fields.title.en, &stemmed)
        {
            let distance = if letters >= 8 { 2 } else { 1 };
            for (triple, boost) in [
                (&fields.title, 1.5),
                (&fields.questions, 1.2),
                (&fields.body, 0.4),
            ] {
                c.fuzzy(triple.en, &stemmed, distance, boost);
            }
        }
        for syn in synonyms.of(w) {
            add_synonym(&mut c, fields, zh, syn, chinese_query, mode);
        }
    }

    // The last word, while it is being typed, completed from the dictionary. A Chinese word
    // the library already knows was matched above (search-mode indexing keeps the parts of
    // longer words); an English one is completed anyway (`pass` → password).
    if unfinished {
        let last_char_cjk = text.chars().last().is_some_and(is_cjk);
        if last_char_cjk {
            if let Some(last) = words.last()
                && !STOP_ZH.contains(&last.as_str())
                && (last.chars().count() == 1 || !known(fields.body.zh, last))
            {
                for (triple, boost) in [
                    (&fields.title, 4.0),
                    (&fields.questions, 3.0),
                    (&fields.body, 1.0),
                ] {
                    c.prefix(triple.zh, last, boost);
                }
            }
        } else if let Some((last, _, _)) = latin_words(&text).last()
            && last.chars().count() >= 2
            && !STOP_EN.contains(&last.as_str())
        {
            for (triple, boost) in [
                (&fields.title, 4.0),
                (&fields.questions, 3.0),
                (&fields.body, 1.0),
            ] {
                c.prefix(triple.en, last, boost);
            }
        }
    }

    // Pinyin (full or initials) of script titles, and shortcodes typed without `#`.
    let compact: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    if (2..=24).contains(&compact.len()) && compact.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        c.prefix(fields.pinyin, &compact, 6.0);
    }

    if c.is_empty() { None } else { Some(c) }
}

/// Adds a synonym's terms. Synonyms in the query's own language weigh nearly as much as
/// the word typed; those in the other language only a little, so an English query still
/// prefers English entries (and a Chinese one Chinese entries).
fn add_synonym(
    c: &mut Plan,
    fields: &Fields,
    zh: &ChineseTokenizer,
    synonym: &str,
    chinese_query: bool,
    mode: Mode,
) {
    let chinese = synonym.chars().any(is_cjk);
    let weight = if chinese == chinese_query { 0.8 } else { 0.3 };
    // A message has many words and so many synonyms: those count in titles and questions.
    let add = |c: &mut Plan, pick: fn(&Triple) -> Field, text: &str| match mode {
        Mode::Search => c.main(pick, fields, text, weight),
        Mode::Suggest => c.short(pick, fields, text, weight),
    };
    if chinese {
        for w in zh.cut(synonym) {
            add(c, |t| t.zh, &w);
        }
    } else {
        for (w, _, _) in latin_words(synonym) {
            let stemmed = stem(&w);
            if !stemmed.is_empty() {
                add(c, |t| t.en, &stemmed);
            }
        }
    }
}
