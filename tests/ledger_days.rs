//! A ledger keeps what grows with use — copies, their solve marks, the API token of each,
//! the query log — one object per day, so a peer applies a new copy without walking every
//! copy before it. A ledger written before then reads as it did on every peer, its new
//! copies go by day, and its query log moves to days with the next write.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use lore_core::credit::Period;
use lore_core::insights::Tally;
use lore_core::insights::log::local_day;
use lore_core::model::now_millis;
use lore_core::training::Attempt;
use lore_core::{DocKey, Role};

use crate::hostile::{ENTRY, forge, stored, team};

/// The demo's broken-cup role-play.
const ITEM: &str = "training-rp-broken-cup";

/// Two copies a day apart, long ago.
const T0: i64 = 1_700_000_000;

/// A ledger as Lore wrote it before copies went by day: two uses in the map `uses`, the
/// two copies in the list `copies`, the first marked solved in `marks`, the second made
/// through the API token 网站客服 in `via`, a practice attempt in the list `attempts`,
/// and a query log in the map `queries` with a question asked yesterday (three times)
/// and one from long past the retention period.
fn old_layout(member: String, today: i64) -> impl FnOnce(&mut AutoCommit) {
    move |doc: &mut AutoCommit| {
        doc.put(ROOT, "schema", 1_u64).expect("put");
        doc.put(ROOT, "member", member.as_str()).expect("put");
        let uses = doc.put_object(ROOT, "uses", ObjType::Map).expect("uses");
        doc.put(&uses, ENTRY, 2_u64).expect("put");
        doc.put_object(ROOT, "votes", ObjType::Map).expect("votes");
        let copies = doc
            .put_object(ROOT, "copies", ObjType::List)
            .expect("copies");
        for (i, at) in [T0, T0 + 86_400].into_iter().enumerate() {
            doc.insert(&copies, i, format!("{at}\t{ENTRY}\t"))
                .expect("insert");
        }
        let marks = doc.put_object(ROOT, "marks", ObjType::Map).expect("marks");
        doc.put(&marks, format!("{T0}\t{ENTRY}"), 1_i64)
            .expect("mark");
        let via = doc.put_object(ROOT, "via", ObjType::Map).expect("via");
        doc.put(&via, format!("{}\t{ENTRY}", T0 + 86_400), "网站客服")
            .expect("via");
        let attempts = doc
            .put_object(ROOT, "attempts", ObjType::List)
            .expect("list");
        let attempt = Attempt {
            item: ITEM.into(),
            member: String::new(),
            at: T0,
            seconds: 60,
            replies: vec!["您好".into()],
            score: 40,
            passed: false,
            points: Vec::new(),
            versions: Vec::new(),
        };
        let record = serde_json::to_string(&attempt).expect("json");
        doc.insert(&attempts, 0, record).expect("attempt");
        let queries = doc.put_object(ROOT, "queries", ObjType::Map).expect("log");
        for (day, asked) in [(today - 1, 3), (today - 400, 5)] {
            let tally = Tally {
                asked,
                ..Tally::default()
            };
            doc.put(&queries, format!("{day}\ts\t发票怎么开"), tally.encode())
                .expect("record");
        }
    }
}

/// The keys of the map `field` of the document's root (none if it has no such map).
fn keys(doc: &AutoCommit, field: &str) -> Vec<String> {
    match doc.get(ROOT, field).expect("get") {
        Some((automerge::Value::Object(ObjType::Map), map)) => doc.keys(&map).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_from_before_copies_went_by_day_counts_as_it_did_and_grows_by_day() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, mut members) = team(root.path(), &[("bob", Role::Agent)]).await;
    let bob = &mut members[0];
    let bob_id = bob.id();
    let key = DocKey::ledger(&bob_id);
    let today = local_day(now_millis());
    bob.stop().await;
    forge(
        &bob.dir,
        &key,
        &bob_id,
        Some(&bob.key()),
        old_layout(bob_id.clone(), today),
    );
    bob.start(None).await;
    let searches = bob.with(|l| {
        let before = l.insights(0).expect("insights").searches;
        assert_eq!(l.ledger(&bob_id).expect("ledger").uses.get(ENTRY), Some(&2));
        let via = BTreeMap::from([("网站客服".to_string(), 1)]);
        assert_eq!(l.api_uses().expect("api uses"), via);
        let credit = l.entry_credit(ENTRY, Period::ALL).expect("credit");
        assert_eq!((credit.uses, credit.marked, credit.solved), (2, 1, 1));
        // A copy today counts on top, and is marked not solved.
        assert_eq!(l.record_copy(ENTRY, None).expect("copy").uses, 3);
        l.mark_last_copy(ENTRY, false).expect("mark");
        let credit = l.entry_credit(ENTRY, Period::ALL).expect("credit");
        assert_eq!((credit.uses, credit.marked, credit.solved), (3, 2, 1));
        // A new attempt goes after the old one.
        let replies = vec!["非常抱歉给您带来不便，请拍照给我们，我们马上为您补发。".to_string()];
        l.practice(ITEM, &replies, 30).expect("practice");
        let ats: Vec<i64> = l
            .attempts(&bob_id)
            .expect("attempts")
            .iter()
            .map(|a| a.at)
            .collect();
        assert!(ats.len() == 2 && ats[0] == T0 && ats[1] > T0, "{ats:?}");
        // The write moved yesterday's question to its day and let the old one go.
        let after = l.insights(0).expect("insights").searches;
        assert_eq!(after, before - 5);
        after
    });
    // Alice reads Bob's ledger as he does.
    bob.sync_with(&alice).await.expect("sync");
    alice.with(|l| {
        assert_eq!(l.ledger(&bob_id).expect("ledger").uses.get(ENTRY), Some(&3));
        let credit = l.entry_credit(ENTRY, Period::ALL).expect("credit");
        assert_eq!((credit.uses, credit.marked, credit.solved), (3, 2, 1));
        assert_eq!(l.insights(0).expect("insights").searches, searches);
        assert_eq!(l.attempts(&bob_id).expect("attempts").len(), 2);
    });
    bob.stop().await;
    let doc = stored(&bob.dir, &key);
    let (_, old) = doc.get(ROOT, "copies").expect("get").expect("old list");
    assert_eq!(doc.length(&old), 2, "the old list is left as it was");
    let day = format!("{:06}", now_millis().div_euclid(86_400_000));
    // Today's copy, its count, its mark and the attempt, each in today's object.
    for field in [
        "copies_by_day",
        "uses_by_day",
        "marks_by_day",
        "attempts_by_day",
    ] {
        assert_eq!(keys(&doc, field), std::slice::from_ref(&day), "{field}");
    }
    assert!(
        keys(&doc, "queries").is_empty(),
        "the old query log is emptied"
    );
    let yesterday = format!("{:06}", today - 1);
    assert_eq!(keys(&doc, "queries_by_day"), [yesterday]);
}
