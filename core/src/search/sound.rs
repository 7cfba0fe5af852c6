//! How words sound: the toneless pinyin of a text, so a word typed with the wrong
//! character of the same sound — the commonest slip of a pinyin input method (话废 for
//! 话费, 私交课 for 私教课) — still counts as said by an entry that spells it right when
//! the best candidates are scored by how much of the query they cover (`rank::coverage`).
//! Only words no entry uses are compared by sound, and only on those few candidates: an
//! index of every pair's sound cost a 100,000-entry rebuild 60% more time.

use pinyin::ToPinyin;

/// `text` spelled out: each CJK character's syllable without tone, each between `'`, and
/// `|` for anything else — so a word's spelling is found in a text's by `contains`
/// (`'si'jiao'` in `'si'jiao'ke'zen'me'tui'`).
pub(crate) fn spell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut open = false;
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        match p {
            Some(p) if super::analysis::is_cjk(c) => {
                if !open {
                    out.push('\'');
                }
                out.push_str(p.plain());
                out.push('\'');
                open = true;
            }
            _ => {
                out.push('|');
                open = false;
            }
        }
    }
    out
}
