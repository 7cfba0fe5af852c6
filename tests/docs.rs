//! Documents and merging: what happens when replicas edit apart and meet again.

use lore_core::{Entry, EntryReplica, Kind, Status};

use crate::library::{member_id, writer};

fn faq(body: &str) -> Entry {
    let mut e = Entry::new(Kind::Faq, "退款多久到账？");
    e.id = "faq-refund".into();
    e.body = body.into();
    e.tags = vec!["退款".into()];
    e
}

/// Two replicas of the same entry, written by different members.
fn pair(entry: &Entry) -> (EntryReplica, EntryReplica) {
    let mut a = EntryReplica::create(&writer("李华"), entry).expect("create");
    let b = a.fork(&writer("陈磊"));
    (a, b)
}

fn converge(a: &mut EntryReplica, b: &mut EntryReplica) -> Entry {
    a.merge(b).expect("merge b into a");
    b.merge(a).expect("merge a into b");
    let (ea, eb) = (a.entry().expect("read a"), b.entry().expect("read b"));
    assert_eq!(ea, eb, "replicas must converge to the same entry");
    ea
}

#[test]
fn edits_to_different_sentences_of_a_body_both_survive() {
    let body = "退款会原路退回。微信支付一般1到3个工作日到账。银行卡最长7个工作日。";
    let (mut a, mut b) = pair(&faq(body));
    a.edit(|e| e.body = e.body.replace("1到3个工作日", "24小时内"))
        .expect("edit a");
    b.edit(|e| e.body = e.body.replace("最长7个工作日", "最长5个工作日，节假日顺延"))
        .expect("edit b");
    let merged = converge(&mut a, &mut b);
    assert_eq!(
        merged.body,
        "退款会原路退回。微信支付一般24小时内到账。银行卡最长5个工作日，节假日顺延。"
    );
}

#[test]
fn edits_after_emoji_and_chinese_land_exactly_where_typed() {
    // Regression: autosurgeon splices in bytes; documents must index text in UTF-8 bytes.
    let (mut a, _) = pair(&faq("亲，非常抱歉🙏！请拍照发给我们。"));
    a.edit(|e| e.body = "亲，非常抱歉🙏！请拍照（含外箱）发给我们。谢谢您".into())
        .expect("edit");
    assert_eq!(
        a.entry().expect("read").body,
        "亲，非常抱歉🙏！请拍照（含外箱）发给我们。谢谢您"
    );
}

#[test]
fn concurrent_tag_additions_and_removals_all_survive() {
    let (mut a, mut b) = pair(&faq("正文"));
    a.edit(|e| e.tags.push("时效".into())).expect("edit a");
    b.edit(|e| {
        e.tags.push("refund".into());
        e.tags.retain(|t| t != "退款");
    })
    .expect("edit b");
    let merged = converge(&mut a, &mut b);
    assert_eq!(merged.tags, vec!["refund".to_string(), "时效".to_string()]);
}

#[test]
fn archive_wins_over_a_concurrent_edit_and_keeps_the_edit() {
    let (mut a, mut b) = pair(&faq("旧的说明。"));
    a.edit(|e| e.status = Status::Archived)
        .expect("archive on a");
    b.edit(|e| {
        e.status = Status::Draft;
        e.body = "新的说明。".into();
    })
    .expect("edit on b");
    let merged = converge(&mut a, &mut b);
    assert_eq!(merged.status, Status::Archived, "archive wins");
    assert_eq!(merged.body, "新的说明。", "the concurrent edit is kept");
    // Setting a status afterwards resolves the conflict for everyone.
    a.edit(|e| e.status = Status::Published).expect("restore");
    let restored = converge(&mut a, &mut b);
    assert_eq!(restored.status, Status::Published);
}

#[test]
fn concurrent_title_edits_converge_and_history_names_both_members() {
    let (mut a, mut b) = pair(&faq("正文"));
    a.edit(|e| e.title = "退款多久能到账？".into())
        .expect("edit a");
    b.edit(|e| e.questions.push("钱啥时候退回来".into()))
        .expect("edit b");
    let merged = converge(&mut a, &mut b);
    assert_eq!(merged.title, "退款多久能到账？");
    assert_eq!(merged.questions, vec!["钱啥时候退回来".to_string()]);
    let members: Vec<String> = a.history().into_iter().map(|c| c.member).collect();
    assert!(members.contains(&member_id("李华")), "{members:?}");
    assert!(members.contains(&member_id("陈磊")), "{members:?}");
}

#[test]
fn a_small_edit_costs_bytes_proportional_to_the_edit() {
    let long: String = (0..300)
        .map(|i| format!("第{i}条：退款按原支付方式退回，约{}天。", i % 7 + 1))
        .collect();
    let (mut a, _) = pair(&faq(&long));
    let before = a.heads();
    let full = a.save().len();
    a.edit(|e| e.body = e.body.replacen("退款", "退钱", 1))
        .expect("edit");
    let delta = a.save_since(&before).len();
    assert!(
        delta < 400 && delta * 5 < full,
        "a one-word edit wrote {delta} bytes (whole document {full})"
    );
}

#[test]
fn saved_replicas_load_with_every_field() {
    let mut e = faq("正文");
    e.kind = Kind::Training;
    e.persona = "着急的老客户".into();
    e.opening = "我的杯子碎了！".into();
    e.turns = vec!["你们怎么包装的".into(), "我要退款".into()];
    e.key_points = vec!["先致歉".into(), "登记照片".into()];
    e.links = vec!["script-x".into()];
    e.internal = true;
    let (mut a, _) = pair(&e);
    let bytes = a.save();
    let loaded = EntryReplica::load(&bytes, &writer("n")).expect("load");
    assert_eq!(loaded.entry().expect("read"), a.entry().expect("read"));
}
