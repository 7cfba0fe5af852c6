//! The Insights tab (洞察) on the app's real state (egui_kittest) and a real library: the
//! search box's settled questions logged, content gaps grouped with an entry written from
//! one, the charts, a candidate phrasing accepted in one click.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use lore_app::gui::Lang;

use crate::gui_harness::{demo, opened, shows, until};

#[test]
fn the_insights_tab_shows_what_went_unanswered_and_a_lead_accepts_a_phrasing() {
    let l = demo();
    // Questions asked before: two ways of asking what the library does not hold, and a
    // search after which an agent copied the damaged-goods FAQ.
    l.ok(&["search", "电子保修卡怎么激活"]);
    l.ok(&["search", "电子保修卡在哪激活"]);
    l.ok(&[
        "copy",
        "faq-return-damaged-on-arrival",
        "--after",
        "摔坏的杯子报销",
    ]);
    let mut h = opened(&l.dir(), Lang::Zh);

    // A search typed in the app is logged once the agent stops typing and results are in.
    h.get_by_label("搜索").type_text("宠物能不能寄");
    let typed = Instant::now();
    while typed.elapsed() < Duration::from_millis(2500) {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.get_by_label("洞察").click();
    until(&mut h, "the gaps", |h| shows(h, "电子保修卡怎么激活"));
    assert!(
        shows(&h, "相近问法：电子保修卡怎么激活") || shows(&h, "相近问法：电子保修卡在哪激活"),
        "the two ways of asking are one gap"
    );
    until(&mut h, "the app's own search", |h| shows(h, "宠物能不能寄"));
    assert!(shows(&h, "每日提问图表") && shows(&h, "热门搜索图表"));
    let insights = h.state().insights().expect("insights").clone();
    let asked = |text: &str| {
        insights
            .top
            .iter()
            .find(|q| q.text == text)
            .map(|q| q.count)
    };
    assert_eq!(
        asked("宠物能不能寄"),
        Some(1),
        "logged once, not per keystroke"
    );
    assert_eq!(asked("宠物能不"), None, "{:?}", insights.top);

    // The lead accepts the phrasing agents used for the damaged-goods FAQ.
    assert!(shows(&h, "「摔坏的杯子报销」"));
    h.get_by_label("采纳为客户问法：摔坏的杯子报销")
        .click_accesskit();
    until(&mut h, "the candidate is taken", |h| {
        !shows(h, "「摔坏的杯子报销」")
    });

    // A gap becomes a new entry in one click: its question as the title, the other way
    // of asking as a customer question.
    h.get_all_by_label("新建条目")
        .next()
        .expect("a gap")
        .click();
    until(&mut h, "the editor on the new entry", |h| {
        h.query_all_by(|n| n.value().as_deref() == Some("会员卡丢了怎么补办"))
            .next()
            .is_some()
    });
    drop(h);
    let entry = l.json(&["show", "faq-return-damaged-on-arrival"]).remove(0);
    assert!(
        entry["questions"].to_string().contains("摔坏的杯子报销"),
        "{entry}"
    );
}
