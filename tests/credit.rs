//! Credit where it is due: who wrote each sentence, read from the documents the same way
//! on every replica.

use lore_core::credit::Period;
use lore_core::{AnswerState, Entry, Kind, Role};

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
        let sentences = library.blame(&id).expect("blame").body;
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
    let second = &b.blame(&id).expect("blame").body[1];
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
    let body: Vec<_> = lines.iter().filter(|l| l["part"] == "body").collect();
    let last = body.last().expect("sentences");
    assert_eq!(last["text"], "另外，节假日顺延哦。");
    assert_eq!(last["name"], "周静");
    assert_eq!(last["verified"], true);
    assert!(body.len() > 5, "the body is split into its sentences");
    assert!(
        lines
            .iter()
            .any(|l| l["part"].as_str().is_some_and(|p| p.starts_with("answer "))),
        "the answers' sentences follow the body's"
    );
}

/// Usage history brought in at once counts as copies recorded one by one: use counts,
/// repeats within the window counted once, solve marks, credit on a teammate's board.
#[test]
fn copies_recorded_in_bulk_count_as_copies_one_by_one() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut a, mut b) = team(root.path(), Role::Agent);
    let id = a
        .add(Entry {
            body: "亲，退款审核通过后原路退回。".to_string(),
            ..Entry::new(Kind::Faq, "退款多久到账")
        })
        .expect("add");
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    let now = lore_core::model::now_millis() / 1000;
    let copy = |at: i64, solved: Option<bool>| lore_core::Copy {
        entry: id.clone(),
        at,
        answer: String::new(),
        solved,
    };
    b.record_copies(&[
        copy(now - 86_400, Some(true)),
        copy(now - 120, Some(false)),
        copy(now - 60, None),
    ])
    .expect("bulk");
    let bad = lore_core::Copy {
        entry: "a\tb".into(),
        ..copy(now, None)
    };
    assert!(b.record_copies(&[bad]).is_err(), "a tab would split the id");
    assert_eq!(b.ledger(&member_id("bob")).expect("ledger").uses[&id], 3);
    sync(&mut a, "alice", &mut b, "bob").expect("sync");
    let board = a.credits(Period::ALL).expect("board");
    let alice = board
        .members
        .iter()
        .find(|r| r.member == member_id("alice"))
        .expect("alice");
    assert_eq!((alice.uses, alice.marked, alice.solved), (2.0, 2.0, 1.0));
}

/// Three members on real endpoints: Bob's sentence in Alice's entry is his; Carol's copies
/// credit the authors of what she copied, Alice's own copies credit nobody; Bob's adopted
/// answer is what Carol copies and is credited to him, also once folded into the body; a
/// solve mark reaches every peer; and every peer computes the same board.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credit_follows_the_signed_changes_on_every_peer() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, mut members) =
        crate::hostile::team(root.path(), &[("bob", Role::Agent), ("carol", Role::Agent)]).await;
    let carol = members.pop().expect("carol");
    let bob = members.pop().expect("bob");
    let (a_id, b_id, c_id) = (alice.id(), bob.id(), carol.id());

    let entry = alice.with(|l| {
        l.add(Entry {
            body: "亲，退款审核通过后原路退回。一般一到三个工作日到账。".to_string(),
            ..Entry::new(Kind::Faq, "退款多久到账")
        })
        .expect("add")
    });
    let other = alice.with(|l| l.add(Entry::new(Kind::Faq, "发票怎么开")).expect("add"));
    bob.sync_with(&alice).await.expect("sync");
    carol.sync_with(&alice).await.expect("sync");

    // Bob adds a sentence to Alice's entry; Alice's blame names him for it.
    bob.with(|l| {
        l.edit(&entry, |e| {
            e.body.push_str("节假日顺延，请您耐心等待。");
            Ok(())
        })
        .expect("bob edits")
    });
    bob.sync_with(&alice).await.expect("sync");
    let body = alice.with(|l| l.blame(&entry).expect("blame").body);
    assert_eq!(body[2].text, "节假日顺延，请您耐心等待。");
    assert_eq!(body[2].author, b_id);
    assert_eq!(body[0].author, a_id);

    // Carol copies it twice in a row (counted once); Alice's credit grows, Bob gets his
    // share; Alice copying her own entry changes nothing of hers.
    carol.sync_with(&alice).await.expect("sync");
    carol.with(|l| {
        l.record_copy(&entry, None).expect("copy");
        l.record_copy(&entry, None).expect("copy again")
    });
    carol.sync_with(&alice).await.expect("sync");
    let uses = |board: &lore_core::credit::Board, m: &str| {
        board
            .members
            .iter()
            .find(|r| r.member == m)
            .map_or(0.0, |r| r.uses)
    };
    let before = alice.with(|l| l.credits(Period::ALL).expect("board"));
    assert!(uses(&before, &a_id) > 0.5, "{before:?}");
    assert!(uses(&before, &b_id) > 0.0 && uses(&before, &b_id) < 0.5);
    assert!(
        (uses(&before, &a_id) + uses(&before, &b_id) - 1.0).abs() < 1e-9,
        "counted once"
    );
    alice.with(|l| l.record_copy(&entry, None).expect("own copy"));
    let after = alice.with(|l| l.credits(Period::ALL).expect("board"));
    assert_eq!(
        uses(&after, &a_id),
        uses(&before, &a_id),
        "own copies count nothing"
    );

    // Bob's answer, adopted by Alice, is what Carol copies, and is credited to Bob.
    let answer = bob.with(|l| {
        let e = l
            .contribute_answer(&other, "您好，下单后在订单详情点“申请开票”即可。")
            .expect("answer");
        e.answers[0].id.clone()
    });
    bob.sync_with(&alice).await.expect("sync");
    let queue = alice.with(|l| l.review_queue().expect("queue"));
    let queue: Vec<_> = queue.into_iter().filter(|i| i.entry == other).collect();
    assert_eq!(queue.len(), 1, "the new answer awaits a decision");
    assert_eq!(queue[0].answer.author, b_id);
    let refused = carol.with(|l| l.decide_answer(&other, &answer, AnswerState::Adopted));
    assert!(refused.is_err(), "an agent does not decide on answers");
    alice.with(|l| l.adopt_answer(&other, &answer).expect("adopt"));
    carol.sync_with(&alice).await.expect("sync");
    let reply = carol.with(|l| l.reply(&other, None).expect("reply"));
    assert_eq!(reply.text, "您好，下单后在订单详情点“申请开票”即可。");
    carol.with(|l| l.record_copy(&other, Some(&answer)).expect("copy"));
    carol.sync_with(&alice).await.expect("sync");
    let board = alice.with(|l| l.credits(Period::ALL).expect("board"));
    let bob_row = board
        .members
        .iter()
        .find(|r| r.member == b_id)
        .expect("bob");
    // Alice's copy of the entry she and Bob wrote credited Bob's share of it; now the answer.
    assert!(
        (bob_row.uses - (uses(&after, &b_id) + 1.0)).abs() < 1e-9,
        "{board:?}"
    );
    assert_eq!(bob_row.answers_adopted, 1);
    let mine = bob.with(|l| l.my_answers().expect("mine"));
    assert!(
        mine.is_empty() || mine[0].state == AnswerState::Open,
        "bob has not synced yet"
    );
    bob.sync_with(&alice).await.expect("sync");
    let mine = bob.with(|l| l.my_answers().expect("mine"));
    assert_eq!(
        mine[0].state,
        AnswerState::Adopted,
        "bob sees his answer was adopted"
    );

    // Bob's second answer, folded into the body by Alice, stays Bob's there.
    let tip = "如超过五个工作日未到账，请联系我们核查。";
    let folded = bob.with(|l| {
        let e = l.contribute_answer(&entry, tip).expect("answer");
        e.answers[0].id.clone()
    });
    bob.sync_with(&alice).await.expect("sync");
    alice.with(|l| {
        l.decide_answer(&entry, &folded, AnswerState::Folded)
            .expect("fold")
    });
    carol.sync_with(&alice).await.expect("sync");
    for peer in [&alice, &carol] {
        let body = peer.with(|l| l.blame(&entry).expect("blame").body);
        let last = body.last().expect("sentences");
        assert_eq!(last.text, tip);
        assert_eq!(last.author, b_id, "the folded sentence is Bob's");
    }

    // Carol marks her copy solved: the entry's solve rate is 100% on every peer.
    carol.with(|l| l.mark_last_copy(&entry, true).expect("mark"));
    carol.sync_with(&alice).await.expect("sync");
    bob.sync_with(&alice).await.expect("sync");
    for peer in [&alice, &bob, &carol] {
        let credit = peer.with(|l| l.entry_credit(&entry, Period::ALL).expect("credit"));
        assert_eq!(credit.solve_rate(), Some(1.0));
    }
    let boards: Vec<_> = [&alice, &bob, &carol]
        .iter()
        .map(|p| p.with(|l| l.credits(Period::ALL).expect("board")))
        .collect();
    assert_eq!(boards[0], boards[1], "the same board on every peer");
    assert_eq!(boards[0], boards[2], "the same board on every peer");
    assert!(boards[0].stars.contains(&a_id));
    let _ = c_id;
    let mut peers = [alice, bob, carol];
    for p in &mut peers {
        p.stop().await;
    }
}

/// The real binary: a lead works the review queue, an agent's copy is marked solved, and
/// the board and an entry's record say so.
#[test]
fn the_command_line_reviews_answers_marks_copies_and_prints_the_board() {
    let l = crate::lore();
    l.ok(&["--name", "周静", "demo"]);
    let queue = l.json(&["review"]);
    assert!(!queue.is_empty(), "the demo's answers await a decision");
    let entry = queue[0]["entry"].as_str().expect("entry").to_string();
    let answer = queue[0]["answer"].as_str().expect("answer").to_string();
    l.ok(&["review", &entry, &answer, "adopt"]);
    assert_eq!(
        l.json(&["review"]).len(),
        queue.len() - 1,
        "decided, it leaves the queue"
    );
    let mine = l.json(&["review", "--mine"]);
    assert!(
        mine.iter()
            .any(|a| a["answer"] == answer.as_str() && a["state"] == "adopted")
    );
    let unknown = l.fails(&["review", &entry, &answer, "bless"]);
    assert!(
        unknown.contains("adopt, fold, dismiss or reopen"),
        "{unknown}"
    );

    // The adopted answer is what is copied; the copy is marked solved.
    l.ok(&["copy", &entry, "--keep-blanks"]);
    l.ok(&["solved", &entry]);
    let record = l.json(&["credits", "--entry", &entry]);
    assert_eq!(record[0]["uses"], 1, "{record:?}");
    assert_eq!(record[0]["solved"], 1, "{record:?}");
    let never = l.fails(&["solved", "faq-invoice-how-to"]);
    assert!(never.contains("you have not copied"), "{never}");

    let board = l.json(&["credits", "--since", "all"]);
    let me = board
        .iter()
        .find(|r| r["name"] == "周静")
        .expect("周静 ranked");
    assert!(me["answers_adopted"].as_u64() >= Some(1), "{me}");
    assert!(me["sentences"].as_u64() > Some(100), "{me}");
    assert_eq!(me["uses"], 0.0, "own copies credit nobody");
    let bad = l.fails(&["credits", "--since", "forever"]);
    assert!(bad.contains("--since takes"), "{bad}");
}
