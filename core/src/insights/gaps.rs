//! Grouping questions that ask the same thing: "运费谁出", "退货运费谁出" and "退货的运费由谁承担"
//! are one gap in the library, not three. Two questions are alike when they share most of
//! their shingles — Chinese characters other than function words, pairs of characters,
//! Latin words — measured against the shorter one. Groups form greedily from the most asked
//! question down, each question joining the first group whose leading question it is
//! alike to, so the grouping is the same on every machine for the same counts.

use std::collections::BTreeSet;

/// Share of the shorter question's shingles the other must hold.
const ALIKE: f64 = 0.5;

/// Characters that say nothing of what is asked.
const FUNCTION_CHARS: &str =
    "的了吗呢啊吧呀哦嘛么我你您他她它们是在有和就都也怎什为啥请问一下个这那能可以要想";

/// The shingles of a question: its Chinese characters (function words left out), pairs of
/// Chinese characters, and Latin words.
pub fn shingles(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut cjk: Vec<char> = Vec::new();
    let mut latin = String::new();
    let flush_cjk = |cjk: &mut Vec<char>, out: &mut BTreeSet<String>| {
        for c in cjk.iter().filter(|c| !FUNCTION_CHARS.contains(**c)) {
            out.insert(c.to_string());
        }
        for pair in cjk.windows(2) {
            out.insert(pair.iter().collect());
        }
        cjk.clear();
    };
    for c in text.chars() {
        if crate::search::is_cjk_char(c) {
            if !latin.is_empty() {
                out.insert(std::mem::take(&mut latin));
            }
            cjk.push(c);
        } else if c.is_alphanumeric() {
            flush_cjk(&mut cjk, &mut out);
            latin.extend(c.to_lowercase());
        } else {
            flush_cjk(&mut cjk, &mut out);
            if !latin.is_empty() {
                out.insert(std::mem::take(&mut latin));
            }
        }
    }
    flush_cjk(&mut cjk, &mut out);
    if !latin.is_empty() {
        out.insert(latin);
    }
    out
}

/// Whether two questions (their shingles) ask the same thing.
pub fn alike(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let small = a.len().min(b.len());
    if small == 0 {
        return false;
    }
    let shared = a.intersection(b).count();
    shared as f64 / small as f64 >= ALIKE
}

/// Groups `items` (already in the order groups should lead: most asked first) by
/// [`alike`]; returns, per group, the indexes of its members, the leader first.
pub fn group<T>(items: &[T], text: impl Fn(&T) -> &str) -> Vec<Vec<usize>> {
    let shingled: Vec<BTreeSet<String>> = items.iter().map(|i| shingles(text(i))).collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, s) in shingled.iter().enumerate() {
        match groups.iter_mut().find(|g| alike(&shingled[g[0]], s)) {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}
