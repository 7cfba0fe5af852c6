//! Two weeks of questions for the demo library, so its Insights tab has something to show:
//! what the fictional shop's agents searched for and the messages their customers sent,
//! some the library answers (and the entry copied after them), some it does not (content
//! gaps), a few phrased in ways the entries do not say yet (candidate phrasings).

use super::log::{Asked, Log, Question, Tally};

/// (kind, text, asked per day at most, whether it finds nothing, entry copied after it)
const QUESTIONS: &[(Asked, &str, u64, bool, &str)] = &[
    (
        Asked::Search,
        "退款多久到账",
        6,
        false,
        "faq-refund-timeline",
    ),
    (
        Asked::Search,
        "快递不动了",
        5,
        false,
        "faq-ship-tracking-stuck",
    ),
    (Asked::Search, "开发票", 4, false, "faq-invoice-how-to"),
    (
        Asked::Search,
        "杯子碎了",
        3,
        false,
        "faq-return-damaged-on-arrival",
    ),
    (
        Asked::Search,
        "改地址",
        3,
        false,
        "faq-order-change-address",
    ),
    (Asked::Search, "报销凭证", 2, false, "faq-invoice-how-to"),
    (
        Asked::Search,
        "钱没退回来",
        2,
        false,
        "faq-refund-not-received",
    ),
    (Asked::Search, "会员卡丢了怎么补办", 3, true, ""),
    (Asked::Search, "会员卡丢了能补吗", 2, true, ""),
    (Asked::Search, "礼品卡怎么用", 2, true, ""),
    (Asked::Search, "可以货到付款吗", 2, true, ""),
    (Asked::Search, "以旧换新", 1, true, ""),
    (Asked::Search, "保温杯保修几年", 2, false, ""),
    (
        Asked::Message,
        "你好，我的快递三天了物流一直没更新，能帮我查一下吗",
        4,
        false,
        "faq-ship-tracking-stuck",
    ),
    (
        Asked::Message,
        "在吗？退款申请提交一周了，钱还没到账，怎么回事",
        4,
        false,
        "faq-refund-timeline",
    ),
    (
        Asked::Message,
        "杯子收到就碎了，快递盒子也压坏了，能退吗",
        3,
        false,
        "faq-return-damaged-on-arrival",
    ),
    (
        Asked::Message,
        "你们有礼品卡吗？送朋友的话怎么买",
        2,
        true,
        "",
    ),
    (
        Asked::Message,
        "发票抬头写错了，公司财务说要重开，能改吗",
        2,
        false,
        "faq-invoice-wrong-title",
    ),
    (
        Asked::Message,
        "快递员态度太差了，还不送上楼，我要投诉",
        2,
        false,
        "faq-complaint-courier",
    ),
];

/// The questions of the `days` days up to `today` (local day numbers): each asked a
/// varying number of times a day, more in the second week than the first.
pub fn two_weeks(today: i64, days: i64) -> Log {
    let mut log = Log::new();
    for (n, (asked, text, most, empty, copied)) in QUESTIONS.iter().enumerate() {
        for back in 0..days {
            let day = today - back;
            // A steady pattern that varies by question and day, rising towards today.
            let wave = (n as i64 * 7 + day * 3).rem_euclid(5) as u64;
            let recent = u64::from(back < days / 2);
            let count = (most * (wave + 1 + recent * 2)) / 6;
            if count == 0 {
                continue;
            }
            let mut tally = Tally {
                asked: count,
                empty: if *empty { count } else { 0 },
                ..Tally::default()
            };
            if !copied.is_empty() {
                tally.copied = count.div_ceil(2);
                tally.ids.push((*copied).to_string());
            } else if !*empty {
                tally.opened = 1;
            }
            log.insert(
                Question {
                    day,
                    asked: *asked,
                    text: (*text).to_string(),
                },
                tally,
            );
        }
    }
    log
}
