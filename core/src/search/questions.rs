//! A customer message often asks several things at once ("杯子碎了…能换吗？运费谁出？花呗的
//! 退款多久到？"). Each question is answered by a different entry, so suggestions are
//! made per question. A sentence that asks nothing ("我昨天买的杯子碎了。") is context:
//! it goes with the question after it.

/// Where a sentence ends.
const ENDS: [char; 8] = ['？', '?', '。', '！', '!', '；', ';', '\n'];

/// Words that make a Chinese sentence a question even without a question mark.
const ASKING: [&str; 14] = [
    "吗",
    "呢",
    "怎么",
    "怎样",
    "如何",
    "多久",
    "多少",
    "几天",
    "能不能",
    "可不可以",
    "是否",
    "为什么",
    "为啥",
    "哪",
];

/// The questions of `message`, each with the context sentences before it; a message with
/// one question (or none) is one item, the whole message.
pub fn split_questions(message: &str) -> Vec<String> {
    let mut questions: Vec<String> = Vec::new();
    let mut context = String::new();
    for sentence in sentences(message) {
        if asks(&sentence) {
            questions.push(format!("{context}{sentence}"));
            context.clear();
        } else {
            context.push_str(&sentence);
        }
    }
    match questions.len() {
        0 | 1 => vec![message.trim().to_string()],
        _ => {
            // Context after the last question belongs to it.
            if let Some(last) = questions.last_mut() {
                last.push_str(&context);
            }
            questions
        }
    }
}

/// The sentences of `text`, each with its end mark, trimmed; empty ones dropped.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c != '\n' {
            current.push(c);
        }
        if ENDS.contains(&c) {
            let s = current.trim();
            if !s.is_empty() && s.chars().any(char::is_alphanumeric) {
                out.push(s.to_string());
            }
            current.clear();
        }
    }
    let s = current.trim();
    if !s.is_empty() && s.chars().any(char::is_alphanumeric) {
        out.push(s.to_string());
    }
    out
}

/// Whether a sentence asks something: a question mark, a Chinese question word, or an
/// English question's first word.
fn asks(sentence: &str) -> bool {
    if sentence.ends_with(['？', '?']) {
        return true;
    }
    if ASKING.iter().any(|w| sentence.contains(w)) {
        return true;
    }
    let first = sentence
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    [
        "how", "what", "when", "where", "why", "can", "could", "do", "does", "is", "are", "will",
    ]
    .contains(&first.as_str())
}
