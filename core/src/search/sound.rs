//! How a text sounds: the toneless pinyin of each CJK bigram of titles and questions, so a
//! word typed with the wrong character of the same sound — the commonest slip of a pinyin
//! input method (话废 for 话费, 私交课 for 私教课) — still finds the entry that spells it
//! right. Only bigrams the short fields do not know are looked up by sound.

use pinyin::ToPinyin;
use tantivy::tokenizer::{Token, Tokenizer};

use super::analysis::{Normalised, VecTokenStream};

/// The sound of a two-character CJK `gram` (normalised): its syllables without tones,
/// joined by `'` so that `xi'an` and `xian` stay apart; `None` when a character has no
/// reading.
pub(crate) fn of(gram: &str) -> Option<String> {
    if gram.chars().count() != 2 {
        return None;
    }
    let mut out = String::new();
    for p in gram.to_pinyin() {
        if !out.is_empty() {
            out.push('\'');
        }
        out.push_str(p?.plain());
    }
    Some(out)
}

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

/// Emits the sound of every CJK bigram of a text.
#[derive(Clone, Default)]
pub(crate) struct SoundTokenizer;

impl Tokenizer for SoundTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        // Each character's syllable once; a pair of neighbours with both is a token.
        let n = Normalised::new(text);
        let syllables: Vec<Option<&'static str>> = n
            .text
            .chars()
            .zip(n.text.as_str().to_pinyin())
            .map(|(c, p)| p.filter(|_| super::analysis::is_cjk(c)).map(|p| p.plain()))
            .collect();
        let tokens = syllables
            .windows(2)
            .filter_map(|pair| Some(format!("{}'{}", pair[0]?, pair[1]?)))
            .enumerate()
            .map(|(position, text)| Token {
                offset_from: 0,
                offset_to: 0,
                position,
                text,
                position_length: 1,
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}
