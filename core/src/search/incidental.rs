//! What in a pasted customer message is incidental to its question: greetings and
//! politeness, when things happened, numbers, how the question is phrased; and which of
//! its clauses ask the question.

use super::analysis::ChineseTokenizer;

/// Weight of a message's words outside its questions, against 1 for the question's own.
pub(crate) const CONTEXT_WEIGHT: f32 = 0.5;

/// Greetings, politeness, time words and the ways a question is phrased (not what it asks
/// about), separated by spaces: they say nothing about what a message asks.
const INCIDENTAL: &str = "早上好 下午好 晚上好 老师好 客服 在不在 有人吗 谢谢啦 谢啦 多谢 感谢 \
    辛苦 辛苦了 麻烦你 麻烦您 急 着急 急急 拜托 看看 帮我看看 今天 明天 昨天 前天 后天 昨晚 \
    今晚 上午 下午 晚上 早上 中午 凌晨 傍晚 刚才 刚刚 最近 之前 以前 后来 马上 一直 还是 周一 \
    周二 周三 周四 周五 周六 周日 周末 星期 上周 下周 这周 本周 上个月 下个月 这个月 本月 去年 \
    今年 明年 号 点 分钟 小时 几天 好几天 家里 我家 我们家 朋友 同事 订单号 单号 尾号 卡号 \
    工单号 手机号码 地址是 \
    怎么处理 处理 怎么办 怎么弄 咋整 怎么回事 咋回事 回事 为啥 什么时候 啥时候 几时 何时 \
    怎么样 怎样 如何 咋 啥 需要 能否 是否";

/// Greetings and ways of addressing someone: a short clause holding one ("老师您好，",
/// "亲，在吗？") is left out of a message entirely.
const GREETING: &str = "你好 您好 在吗 在不在 有人吗 早上好 下午好 晚上好 哈喽 hello hi 打扰了";

/// Words that make a clause a question.
const ASKING: &str = "吗 么 怎么 怎样 咋 啥 什么 多少 几 哪 能不能 可不可以 可以 是否 要不要 \
    有没有 会不会 行不行 能否 为何 为什么 如何 呢 ? ？";

/// What ends a clause of a message.
const CLAUSE_END: [char; 13] = [
    '，', '。', '！', '？', ',', '.', '!', '?', '；', ';', '\n', '~', '～',
];

/// Whether a word of a message is incidental: a greeting, politeness, a time or date, a
/// number, or the phrasing of a question.
pub(crate) fn is_incidental(word: &str) -> bool {
    let numeral = |c: char| c.is_ascii_digit() || "〇一二三四五六七八九十百千两".contains(c);
    let unit = |c: char| "号月日点天年周分时".contains(c);
    let date = word.chars().count() <= 4 && word.chars().any(numeral) && word.chars().any(unit);
    INCIDENTAL.split_whitespace().any(|w| w == word)
        || word.chars().all(|c| c.is_ascii_digit())
        || date
}

/// A message without its greeting clauses (at most eight characters, holding a greeting).
pub(crate) fn without_greetings(text: &str) -> String {
    text.split_inclusive(CLAUSE_END)
        .filter(|c| {
            let lower = c.to_lowercase();
            !(c.chars().count() <= 8 && GREETING.split_whitespace().any(|g| lower.contains(g)))
        })
        .collect()
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
        .split_inclusive(CLAUSE_END)
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            let asks = ASKING.split_whitespace().any(|a| c.contains(a));
            (asks, zh.words(c))
        })
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
