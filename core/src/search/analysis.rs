//! Text analysis for search: normalisation, Chinese words (jieba), CJK bigrams, Latin
//! words, pinyin. Every tokenizer runs on normalised text but reports byte offsets into
//! the original, so snippets never split a character.

use std::sync::Arc;

use jieba_rs::Jieba;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Normalised text, one char per original char, with the original byte offset of each.
pub(crate) struct Normalised {
    pub(crate) text: String,
    /// Byte offset in the original text of char `i` of `text`; one extra entry at the end.
    offsets: Vec<usize>,
    /// Byte offset in `text` of char `i`.
    byte_of_char: Vec<usize>,
}

impl Normalised {
    /// Traditional → Simplified, full-width → half-width, lowercase; char for char.
    pub(crate) fn new(original: &str) -> Normalised {
        let simplified = fast2s::convert(original);
        let mut text = String::with_capacity(simplified.len());
        let mut offsets = Vec::with_capacity(original.len());
        let mut byte_of_char = Vec::with_capacity(original.len());
        for ((offset, _), c) in original.char_indices().zip(simplified.chars()) {
            offsets.push(offset);
            byte_of_char.push(text.len());
            text.push(fold(c));
        }
        offsets.push(original.len());
        byte_of_char.push(text.len());
        Normalised {
            text,
            offsets,
            byte_of_char,
        }
    }

    /// The original byte offset of the normalised byte offset `byte`.
    pub(crate) fn original_offset(&self, byte: usize) -> usize {
        match self.byte_of_char.binary_search(&byte) {
            Ok(i) => self.offsets[i],
            Err(i) => self.offsets[i.min(self.offsets.len() - 1)],
        }
    }
}

/// Folds one character: full-width ASCII to ASCII, then lowercase (one char to one char).
pub(crate) fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
}

/// Normalises a whole string (for queries and dictionary words).
pub(crate) fn normalise(s: &str) -> String {
    Normalised::new(s).text
}

/// Whether `c` is a CJK ideograph (the characters bigrams and jieba care about).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whether a token is worth indexing: it has at least one letter, digit or ideograph.
fn is_word(s: &str) -> bool {
    s.chars().any(|c| c.is_alphanumeric())
}

/// A token stream over precomputed tokens.
pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.index += 1;
        self.index <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The words a library adds to jieba's dictionary (tags, categories, synonyms, the
/// lexicon), normalised, Chinese, two characters or more, sorted, without duplicates.
pub(crate) fn dictionary_words(words: &[String]) -> Vec<String> {
    let mut sorted: Vec<String> = words
        .iter()
        .map(|w| normalise(w.trim()))
        .filter(|w| w.chars().count() >= 2 && w.chars().any(is_cjk))
        .collect();
    sorted.sort();
    sorted.dedup();
    sorted
}

/// jieba's default dictionary with `words` (from [`dictionary_words`]) added.
pub(crate) fn jieba_with(words: &[String]) -> Jieba {
    let mut jieba = Jieba::new();
    for w in words {
        jieba.add_word(w, None, None);
    }
    jieba
}

/// Chinese words by jieba in search mode (long words also yield their parts), HMM off,
/// punctuation and whitespace dropped, normalised.
#[derive(Clone)]
pub(crate) struct ChineseTokenizer {
    jieba: Arc<Jieba>,
}

impl ChineseTokenizer {
    pub(crate) fn new(jieba: Arc<Jieba>) -> Self {
        ChineseTokenizer { jieba }
    }

    /// The words of `text` (normalised), in order, for building queries.
    pub(crate) fn words(&self, text: &str) -> Vec<String> {
        let n = Normalised::new(text);
        self.jieba
            .cut_for_search(&n.text, false)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| t.word.to_string())
            .collect()
    }

    /// The words of `text` as jieba cuts them without search-mode parts.
    pub(crate) fn cut(&self, text: &str) -> Vec<String> {
        self.jieba
            .cut(&normalise(text), false)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| t.word.to_string())
            .collect()
    }
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let n = Normalised::new(text);
        let cut = self.jieba.cut_for_search(&n.text, false);
        let tokens = cut
            .into_iter()
            .filter(|t| is_word(t.word))
            .enumerate()
            .map(|(i, t)| {
                token(
                    t.word.to_string(),
                    n.original_offset(t.byte_start),
                    n.original_offset(t.byte_end),
                    i,
                )
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// Overlapping pairs of CJK characters (a lone character stands alone), so half-typed or
/// differently segmented Chinese still matches.
#[derive(Clone, Default)]
pub(crate) struct BigramTokenizer;

/// The bigrams of the CJK runs of `text` (already normalised), with char indices.
pub(crate) fn bigrams(text: &str) -> Vec<(String, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_cjk(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_cjk(chars[i]) {
            i += 1;
        }
        if i - start == 1 {
            out.push((chars[start].to_string(), start, start + 1));
        }
        for j in start..i.saturating_sub(1) {
            out.push((chars[j..j + 2].iter().collect(), j, j + 2));
        }
    }
    out
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let n = Normalised::new(text);
        let char_offsets: Vec<usize> = n.text.char_indices().map(|(b, _)| b).collect();
        let byte = |ci: usize| char_offsets.get(ci).copied().unwrap_or(n.text.len());
        let tokens = bigrams(&n.text)
            .into_iter()
            .enumerate()
            .map(|(i, (t, from, to))| {
                token(
                    t,
                    n.original_offset(byte(from)),
                    n.original_offset(byte(to)),
                    i,
                )
            })
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// Runs of Latin letters and digits (CJK is left to the other fields).
#[derive(Clone, Default)]
pub(crate) struct LatinTokenizer;

/// The Latin words of `text`, with byte offsets.
pub(crate) fn latin_words(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut word = String::new();
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let f = fold(c);
        if f.is_alphanumeric() && !is_cjk(f) && !matches!(f, '\u{3040}'..='\u{30FF}') {
            start.get_or_insert(i);
            word.push(f);
        } else if let Some(s) = start.take() {
            out.push((std::mem::take(&mut word), s, i));
        }
    }
    out
}

impl Tokenizer for LatinTokenizer {
    type TokenStream<'a> = VecTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let tokens = latin_words(text)
            .into_iter()
            .enumerate()
            .map(|(i, (w, from, to))| token(w, from, to, i))
            .collect();
        VecTokenStream::new(tokens)
    }
}

/// The English analyzer: Latin words, lowercased, stemmed.
pub(crate) fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(LatinTokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The stemmed form of one English word, as the English field indexes it.
pub(crate) fn stem(word: &str) -> String {
    let mut analyzer = english_analyzer();
    let mut stream = analyzer.token_stream(word);
    let mut out = String::new();
    while stream.advance() {
        out = stream.token().text.clone();
    }
    out
}

/// Pinyin keys of a script title: for each word start, the full pinyin and the initials
/// of the words from there on (a few words deep), so `tuikuan`, `tk` and `tksm` all find
/// “退款说明” as a prefix.
pub(crate) fn pinyin_keys(words: &[String]) -> Vec<String> {
    use pinyin::ToPinyin;
    let spelled: Vec<(String, String)> = words
        .iter()
        .filter_map(|w| {
            let mut full = String::new();
            let mut initials = String::new();
            for p in w.as_str().to_pinyin() {
                let p = p?;
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            (!full.is_empty()).then_some((full, initials))
        })
        .collect();
    let mut keys = Vec::new();
    for start in 0..spelled.len() {
        let end = (start + 4).min(spelled.len());
        let (full, initials): (String, String) = spelled[start..end]
            .iter()
            .fold((String::new(), String::new()), |(f, i), (pf, pi)| {
                (f + pf, i + pi)
            });
        keys.push(full);
        keys.push(initials);
    }
    keys.sort();
    keys.dedup();
    keys
}
