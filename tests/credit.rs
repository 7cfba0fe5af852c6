//! Credit where it is due: who wrote each sentence, read from the documents the same way
//! on every replica.

use lore_core::{Entry, Kind, Role};

use crate::library::member_id;
use crate::sync::{sync, team};

#[test]
fn a_sentence_a_teammate_adds_is_put_to_their_name_on_both_replicas() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    let id = a
        .add(Entry {
            body: "亲，退款审核通过后原路退回。一般一到三个工作日到账。".to_string(),
            ..Entry::new(Kind::Faq, "退款多久到账")
        })
        .expect("add");
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    b.edit(&id, |e| {
        e.body.push_str("节假日顺延，请您耐心等待。");
        Ok(())
    })
    .expect("bob edits");
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    for (library, whose) in [(&mut a, "alice's"), (&mut b, "bob's")] {
        let sentences = library.blame(&id).expect("blame");
        let by: Vec<(&str, &str)> = sentences
            .iter()
            .map(|s| (s.text.as_str(), s.author.as_str()))
            .collect();
        let (alice, bob) = (member_id("alice"), member_id("bob"));
        assert_eq!(
            by,
            [
                ("亲，退款审核通过后原路退回。", alice.as_str()),
                ("一般一到三个工作日到账。", alice.as_str()),
                ("节假日顺延，请您耐心等待。", bob.as_str()),
            ],
            "on {whose} replica"
        );
        assert!(
            sentences.iter().all(|s| s.verified),
            "every change is signed"
        );
    }
    // A word changed inside Alice's sentence names Bob among its others.
    b.edit(&id, |e| {
        e.body = e.body.replace("一到三个", "一至三个");
        Ok(())
    })
    .expect("bob edits again");
    let second = &b.blame(&id).expect("blame")[1];
    assert_eq!(second.author, member_id("alice"));
    assert_eq!(second.others, [member_id("bob")]);
}

#[test]
fn lore_blame_names_each_sentences_author() {
    let l = crate::lore();
    l.ok(&["--name", "周静", "demo"]);
    let body = l.json(&["show", "faq-refund-timeline"])[0]["body"]
        .as_str()
        .expect("body")
        .to_string();
    l.ok(&[
        "edit",
        "faq-refund-timeline",
        "--body",
        &format!("{body}\n\n另外，节假日顺延哦。"),
    ]);
    let lines = l.json(&["blame", "faq-refund-timeline"]);
    let last = lines.last().expect("sentences");
    assert_eq!(last["text"], "另外，节假日顺延哦。");
    assert_eq!(last["name"], "周静");
    assert_eq!(last["verified"], true);
    assert!(lines.len() > 5, "the body is split into its sentences");
}
