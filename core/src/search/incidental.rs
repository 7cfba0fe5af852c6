//! What in a pasted customer message is incidental to its question: greetings and
//! politeness, when things happened, numbers; and which of its clauses ask the question.

use super::analysis::ChineseTokenizer;

/// Weight of a message's words outside its questions, against 1 for the question's own.
pub(crate) const CONTEXT_WEIGHT: f32 = 0.5;

/// Greetings, politeness and time words: they say nothing about what a message asks.
const INCIDENTAL: &[&str] = &[
    "早上好",
    "下午好",
    "晚上好",
    "老师好",
    "客服",
    "在不在",
    "有人吗",
    "谢谢啦",
    "谢啦",
    "多谢",
    "感谢",
    "辛苦",
    "辛苦了",
    "麻烦你",
    "麻烦您",
    "急",
    "着急",
    "急急",
    "拜托",
    "看看",
    "帮我看看",
    "怎么回事",
    "回事",
    "今天",
    "明天",
    "昨天",
    "前天",
    "后天",
    "昨晚",
    "今晚",
    "上午",
    "下午",
    "晚上",
    "早上",
    "中午",
    "凌晨",
    "傍晚",
    "刚才",
    "刚刚",
    "最近",
    "之前",
    "以前",
    "后来",
    "马上",
    "一直",
    "还是",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "周末",
    "星期",
    "上周",
    "下周",
    "这周",
    "本周",
    "上个月",
    "下个月",
    "这个月",
    "本月",
    "去年",
    "今年",
    "明年",
    "号",
    "点",
    "分钟",
    "小时",
    "几天",
    "好几天",
    "一下子",
    "家里",
    "我家",
    "我们家",
    "朋友",
    "同事",
];

/// Words that make a clause a question.
const ASKING: &[&str] = &[
    "吗",
    "么",
    "怎么",
    "怎样",
    "咋",
    "啥",
    "什么",
    "多少",
    "几",
    "哪",
    "能不能",
    "可不可以",
    "可以",
    "是否",
    "要不要",
    "有没有",
    "会不会",
    "行不行",
    "能否",
    "为何",
    "为什么",
    "如何",
    "呢",
    "?",
    "？",
];

/// Whether a word of a message is incidental: a greeting, politeness, a time or date, or
/// a number.
pub(crate) fn is_incidental(word: &str) -> bool {
    let numeral = |c: char| c.is_ascii_digit() || "〇一二三四五六七八九十百千两".contains(c);
    let unit = |c: char| "号月日点天年周分时".contains(c);
    let date = word.chars().count() <= 4 && word.chars().any(numeral) && word.chars().any(unit);
    INCIDENTAL.contains(&word) || word.chars().all(|c| c.is_ascii_digit()) || date
}

/// The words of a message's clauses that ask something; empty when no clause does (the
/// whole message is then the question). A question too short to name its subject
/// ("怎么处理？") takes in the clause before it. `meaningful` tells words that say
/// something from filler.
pub(crate) fn question_words(
    text: &str,
    zh: &ChineseTokenizer,
    meaningful: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let clauses: Vec<(bool, Vec<String>)> = text
        .split_inclusive([
            '，', '。', '！', '？', ',', '.', '!', '?', '；', ';', '\n', '~', '～',
        ])
        .filter(|c| !c.trim().is_empty())
        .map(|c| (ASKING.iter().any(|a| c.contains(a)), zh.words(c)))
        .collect();
    if clauses.len() < 2 {
        return Vec::new();
    }
    let mut asked = Vec::new();
    for (i, (asks, words)) in clauses.iter().enumerate() {
        if !asks {
            continue;
        }
        let said = words.iter().filter(|w| meaningful(w)).count();
        if said < 2 && i > 0 {
            asked.extend(clauses[i - 1].1.iter().cloned());
        }
        asked.extend(words.iter().cloned());
    }
    asked
}
