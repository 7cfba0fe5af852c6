//! The topic words of a customer's message, for counting what customers ask about (热词):
//! jieba's words of two or more characters (Traditional folded to Simplified), without
//! particles, pronouns, greetings, the words every question is made of, and spans of time
//! (三天, 一周).

use super::SearchIndex;
use super::analysis::is_cjk;
use super::query::STOP_ZH;

/// Words in nearly every customer message that name no topic.
const COMMON_ZH: &[&str] = &[
    "你好",
    "您好",
    "请问",
    "谢谢",
    "麻烦",
    "在吗",
    "一下",
    "怎么",
    "怎么办",
    "什么",
    "为什么",
    "可以",
    "能不能",
    "是不是",
    "有没有",
    "现在",
    "已经",
    "还是",
    "这个",
    "那个",
    "就是",
    "知道",
    "一个",
    "我们",
    "你们",
    "他们",
    "时候",
    "今天",
    "昨天",
    "前天",
    "明天",
    "上午",
    "下午",
    "晚上",
    "客服",
    "亲",
    "如何",
    "需要",
    "希望",
    "感觉",
    "不是",
    "没有",
    "但是",
    "因为",
    "所以",
    "然后",
    "还有",
    "问题",
    "一直",
    "好的",
    "收到",
    "辛苦",
    "怎么回事",
    "为啥",
    "一样",
    "帮忙",
    "帮我",
    "看看",
    "查查",
    "东西",
];

/// Whether a word says how long or when (三天, 一周, 两个月, 10号): incidental to what is
/// asked.
fn is_time(word: &str) -> bool {
    const COUNT: &str = "零一二两三四五六七八九十百几半多每上下这那前后0123456789";
    const UNIT: &str = "天日周月年号点时分秒";
    let first = word.chars().next().is_some_and(|c| COUNT.contains(c));
    let last = word.chars().last().is_some_and(|c| UNIT.contains(c));
    first && (last || word.ends_with("小时") || word.ends_with("分钟"))
}

/// Whether `c` is a Chinese character (for grouping questions by their characters).
pub fn is_cjk_char(c: char) -> bool {
    is_cjk(c)
}

impl SearchIndex {
    /// The topic words of `text`, in order, each once.
    pub fn topic_words(&self, text: &str) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for w in self.zh.cut(text) {
            let cjk = w.chars().any(is_cjk);
            let keep = cjk
                && w.chars().count() >= 2
                && !STOP_ZH.contains(&w.as_str())
                && !COMMON_ZH.contains(&w.as_str())
                && !is_time(&w);
            if keep && !words.contains(&w) {
                words.push(w);
            }
        }
        words
    }
}
