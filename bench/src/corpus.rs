//! A deterministic generator of large bilingual libraries for benchmarks, built by
//! recombining the demo library's own sentences, titles and tags.

use lore_core::{Entry, Kind, Status};

/// A small deterministic PRNG (xorshift64*): the same seed gives the same corpus.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PRODUCTS_ZH: [&str; 16] = [
    "保温杯",
    "马克杯",
    "玻璃杯",
    "不粘锅",
    "炒锅",
    "汤锅",
    "菜刀",
    "四件套",
    "枕头",
    "收纳箱",
    "电水壶",
    "空气炸锅",
    "餐具套装",
    "砧板",
    "保鲜盒",
    "咖啡杯",
];
const PRODUCTS_EN: [&str; 12] = [
    "thermos",
    "mug",
    "glass cup",
    "frying pan",
    "wok",
    "stock pot",
    "chef knife",
    "bedding set",
    "pillow",
    "storage box",
    "electric kettle",
    "air fryer",
];
const MODELS: [&str; 8] = ["青木", "轻享", "Pro", "Lite", "经典", "Max", "Mini", "Plus"];

/// Splits text into sentences, keeping their closing punctuation.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if matches!(c, '。' | '！' | '？' | '.' | '!' | '?' | '\n') {
            let s = current.trim().to_string();
            if s.chars().count() > 4 {
                out.push(s);
            }
            current.clear();
        }
    }
    out
}

/// `n` entries recombined from `templates` (the demo library), every title unique, each
/// about as long as the template it was drawn from.
/// About a fifth are English where the templates are.
pub fn generate(templates: &[Entry], n: usize, seed: u64) -> Vec<Entry> {
    let mut rng = Rng::new(seed);
    let is_english = |e: &Entry| e.title.is_ascii();
    let (en, zh): (Vec<&Entry>, Vec<&Entry>) = templates.iter().partition(|e| is_english(e));
    let pool =
        |set: &[&Entry]| -> Vec<String> { set.iter().flat_map(|e| sentences(&e.body)).collect() };
    let (zh_sentences, en_sentences) = (pool(&zh), pool(&en));
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let english = !en.is_empty() && rng.below(5) == 0;
        let (set, sents) = if english || zh.is_empty() {
            (&en, &en_sentences)
        } else {
            (&zh, &zh_sentences)
        };
        let template = *rng.pick(set);
        let kind = match i % 20 {
            0..=13 => Kind::Faq,
            14..=16 => Kind::Script,
            17..=18 => Kind::Sop,
            _ => Kind::Training,
        };
        let title = if english {
            format!(
                "{} — {} {} (#{i})",
                template.title,
                rng.pick(&MODELS),
                rng.pick(&PRODUCTS_EN)
            )
        } else {
            format!(
                "{}（{}{}·{i}）",
                template.title,
                rng.pick(&MODELS),
                rng.pick(&PRODUCTS_ZH)
            )
        };
        let mut entry = Entry::new(kind, title);
        // Bodies as long as the template's, so sizes follow the real library.
        let target = template.body.len().max(60);
        let mut body = String::new();
        while body.len() < target && !sents.is_empty() {
            if english && !body.is_empty() {
                body.push(' ');
            }
            body.push_str(rng.pick::<String>(sents));
        }
        entry.body = body;
        entry.questions = template.questions.iter().take(3).cloned().collect();
        entry.tags = template.tags.clone();
        entry.category = template.category.clone();
        entry.status = if rng.below(10) == 0 {
            Status::Draft
        } else {
            Status::Published
        };
        if kind == Kind::Script {
            entry.shortcode = format!("#g{i}");
        }
        if kind == Kind::Training {
            entry.persona = template.persona.clone();
            entry.opening = template.opening.clone();
            entry.turns = template.turns.clone();
            entry.key_points = template.key_points.clone();
        }
        entry.normalise();
        out.push(entry);
    }
    out
}
