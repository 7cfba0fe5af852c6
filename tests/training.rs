//! Practice: a trainee's replies scored against the team's key points with the analysis
//! search uses (synonyms, Traditional characters), required and forbidden points, and
//! the attempt kept with the versions it was made on.

use lore_core::Role;
use lore_core::training::PointKind;

const ITEM: &str = "training-rp-broken-cup";
const SOP: &str = "sop-damaged-goods-claim";

/// Replies to the broken-cup role-play, one per customer turn, in Traditional characters
/// where a trainee from Hong Kong or Taiwan would write them.
const GOOD: &str =
    "非常抱歉讓您收到破損的杯子！麻煩您拍一下外箱面單和破損細節的照片，我在工單登記破損。
金额不到300元，无需寄回，给您补发或者退款都可以。
我们走顺丰加急补发，预计后天前到达，发出后主动推送单号给您。
快递理赔由我们公司处理，不需要您操心。";

#[test]
fn a_scripted_attempt_hits_synonyms_and_traditional_and_a_forbidden_phrase_fails_it() {
    let l = crate::lore();
    l.ok(&["--name", "小王", "demo"]);
    let replies = l.dir().join("replies.txt");
    std::fs::write(&replies, GOOD).expect("write");
    let attempt = &l.json(&[
        "practice",
        ITEM,
        "--replies",
        replies.to_str().expect("path"),
    ])[0];
    let points = attempt["points"].as_array().expect("points");
    let point = |text: &str| {
        points
            .iter()
            .find(|p| p["point"] == text)
            .unwrap_or_else(|| panic!("{text} in {points:?}"))
    };
    // 抱歉 says 致歉 (a synonym of the team's); 破損/登記 say 破损/登记.
    assert_eq!(point("先致歉共情")["hit"], true, "{attempt}");
    assert_eq!(point("先致歉共情")["matched"][0], "抱歉");
    let evidence = point("按要求收集外箱面单、破损细节照片并在工单登记破损");
    assert_eq!(evidence["hit"], true);
    assert!(
        evidence["matched"]
            .as_array()
            .expect("words")
            .iter()
            .any(|w| w == "登記"),
        "the trainee's own words are shown: {evidence}"
    );
    assert_eq!(attempt["passed"], true);
    assert_eq!(attempt["score"], 100);
    assert!(
        !attempt["models"].as_array().expect("models").is_empty(),
        "the linked scripts' replies are shown beside the trainee's"
    );

    // Questioning the customer's inspection is forbidden: the attempt fails, whatever else.
    let bad = l.dir().join("bad.txt");
    std::fs::write(&bad, format!("{GOOD}\n您签收的时候没有当面验货吗？")).expect("write");
    let failed = &l.json(&["practice", ITEM, "--replies", bad.to_str().expect("path")])[0];
    assert_eq!(failed["passed"], false, "{failed}");
    let forbidden = &failed["points"][1];
    assert_eq!(forbidden["kind"], "forbidden");
    assert_eq!(forbidden["hit"], true);

    // A reply that says little misses what it does not say.
    let thin = l.dir().join("thin.txt");
    std::fs::write(&thin, "好的，我帮您看看。").expect("write");
    let missed = &l.json(&["practice", ITEM, "--replies", thin.to_str().expect("path")])[0];
    assert_eq!(missed["score"], 0);
    assert!(
        missed["points"][2]["missing"]
            .as_array()
            .expect("missing")
            .len()
            > 2
    );

    let refused = l.fails(&["practice", "faq-refund-timeline", "--replies", "-"]);
    assert!(refused.contains("not a training item"), "{refused}");
}

/// A trainee's attempt reaches the trainer over real endpoints, and editing an SOP the
/// item links marks the result out of date on both machines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attempt_reaches_the_trainer_and_goes_out_of_date_when_its_sop_changes() {
    let root = tempfile::tempdir().expect("tempdir");
    let (alice, mut members) = crate::hostile::team(root.path(), &[("bob", Role::Agent)]).await;
    let bob = members.pop().expect("bob");
    // The trainer sets the item for the agents; an agent cannot set training.
    let agents = alice.with(|l| l.assignee("客服").expect("a role"));
    alice.with(|l| l.assign(ITEM, agents, 0, 80).expect("assign"));
    let refused = bob.with(|l| l.assign(ITEM, lore_core::training::Assignee::Everyone, 0, 60));
    assert!(refused.is_err(), "an agent does not assign training");
    bob.sync_with(&alice).await.expect("sync");
    let due = bob.with(|l| l.training_grid().expect("grid"));
    let mine = cell_of(&due, &bob.id());
    assert_eq!(mine.pass, Some(80), "bob sees what is due: {due:?}");
    assert_eq!(mine.attempts, 0);
    let replies: Vec<String> = GOOD.lines().map(str::to_string).collect();
    let made = bob.with(|l| l.practice(ITEM, &replies, 95).expect("practice"));
    assert!(made.passed);
    assert!(
        made.versions.iter().any(|(id, _)| id == SOP),
        "the linked SOP's version is kept"
    );
    bob.sync_with(&alice).await.expect("sync");
    let seen = alice.with(|l| l.attempts(&bob.id()).expect("attempts"));
    assert_eq!(seen.len(), 1, "the trainer sees the trainee's attempt");
    assert_eq!(seen[0].score, made.score);
    assert_eq!(seen[0].points[0].kind, PointKind::Normal);
    assert!(
        alice
            .with(|l| l.changed_since(&seen[0]).expect("changed"))
            .is_empty()
    );
    let grid = alice.with(|l| l.training_grid().expect("grid"));
    let cell = cell_of(&grid, &bob.id());
    assert_eq!(
        (cell.best, cell.attempts, cell.passed),
        (Some(100), 1, true),
        "{grid:?}"
    );
    assert!(!cell.out_of_date);

    alice.with(|l| {
        l.edit(SOP, |e| {
            e.body
                .push_str("\n\n更新：金额超过 ¥300 的破损件需要主管审批后再补发。");
            Ok(())
        })
        .expect("the SOP changes")
    });
    bob.sync_with(&alice).await.expect("sync");
    for peer in [&alice, &bob] {
        let attempt = peer.with(|l| l.attempts(&bob.id()).expect("attempts"))[0].clone();
        let changed = peer.with(|l| l.changed_since(&attempt).expect("changed"));
        assert_eq!(changed.len(), 1, "out of date on every machine");
        assert_eq!(changed[0].entry, SOP);
        let grid = peer.with(|l| l.training_grid().expect("grid"));
        let cell = cell_of(&grid, &bob.id());
        assert!(cell.out_of_date, "the grid says bob must practise again");
    }
    let mut peers = [alice, bob];
    for p in &mut peers {
        p.stop().await;
    }
}

#[test]
fn the_command_line_assigns_practice_and_prints_the_grid() {
    let l = crate::lore();
    l.ok(&["--name", "培训主管", "demo"]);
    l.ok(&[
        "training",
        "assign",
        ITEM,
        "--to",
        "all",
        "--due",
        "2026-12-31",
        "--pass",
        "90",
    ]);
    let bad = l.fails(&["training", "assign", "faq-refund-timeline", "--to", "all"]);
    assert!(bad.contains("not a training item"), "{bad}");
    let date = l.fails(&["training", "assign", ITEM, "--to", "all", "--due", "明天"]);
    assert!(date.contains("YYYY-MM-DD"), "{date}");
    let replies = l.dir().join("replies.txt");
    std::fs::write(&replies, GOOD).expect("write");
    l.ok(&[
        "practice",
        ITEM,
        "--replies",
        replies.to_str().expect("path"),
    ]);
    let rows = l.json(&["training", "status"]);
    let me = rows
        .iter()
        .find(|r| r["name"] == "培训主管")
        .expect("my row");
    let cells = me["cells"].as_array().expect("cells");
    let at = cells
        .iter()
        .position(|c| c["item"] == ITEM)
        .expect("the item's cell");
    let cell = &cells[at];
    assert_eq!(cell["pass"], 90);
    assert_eq!(cell["best"], 100);
    assert_eq!(cell["passed"], true);
    let text = l.ok(&["training", "status"]);
    let column = format!("[{}] 100×1 ✔", at + 1);
    assert!(
        text.lines()
            .any(|l| l.starts_with("培训主管:") && l.contains(&column)),
        "{text}"
    );
    l.ok(&["training", "unassign", ITEM, "--to", "all"]);
    let again = l.fails(&["training", "unassign", ITEM, "--to", "all"]);
    assert!(again.contains("no such assignment"), "{again}");
}

#[test]
fn a_generated_quizs_wrong_options_are_real_close_entries_never_the_answer() {
    let l = crate::lore();
    l.ok(&["--name", "新人", "demo"]);
    let answers = l.dir().join("answers.txt");
    std::fs::write(&answers, "1\n2\n3\n4\n1\n2\n").expect("write");
    let run = &l.json(&[
        "practice",
        "--quiz",
        "6",
        "--seed",
        "11",
        "--replies",
        answers.to_str().expect("path"),
    ])[0];
    let questions = run["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 6);
    let mut right = 0;
    for (n, q) in questions.iter().enumerate() {
        let faq = q["faq"].as_str().expect("faq");
        let options = q["options"].as_array().expect("options");
        let answer = q["answer"].as_u64().expect("answer") as usize;
        assert_eq!(options.len(), 4);
        assert_eq!(
            options[answer][0], faq,
            "the answer is the FAQ the phrasing is one of"
        );
        let shown = &l.json(&["show", faq])[0];
        let phrasings = shown["questions"].as_array().expect("questions");
        assert!(phrasings.contains(&q["phrasing"]), "{q}");
        for (i, option) in options.iter().enumerate() {
            let id = option[0].as_str().expect("id");
            let entry = &l.json(&["show", id])[0];
            assert_eq!(entry["kind"], "faq", "every option is a real FAQ: {id}");
            assert_eq!(i == answer, id == faq, "a wrong option is never the answer");
        }
        if answer == [0, 1, 2, 3, 0, 1][n] {
            right += 1;
        }
    }
    assert_eq!(run["score"], right * 100 / 6, "{run}");
    assert_eq!(run["item"], "quiz");
    // The same seed asks the same questions.
    let again = &l.json(&["practice", "--quiz", "6", "--seed", "11", "--replies", "-"])[0];
    assert_eq!(again["questions"], run["questions"]);
}

/// `member`'s cell for the broken-cup role-play in `grid`.
fn cell_of<'g>(grid: &'g lore_core::training::Grid, member: &str) -> &'g lore_core::training::Cell {
    let row = grid
        .rows
        .iter()
        .find(|r| r.0 == member)
        .expect("the member's row");
    row.2
        .iter()
        .find(|c| c.item == ITEM)
        .expect("the item's cell")
}

#[test]
fn a_multiple_choice_quiz_is_right_only_with_exactly_the_right_choices() {
    let l = crate::lore();
    l.ok(&["--name", "新人", "demo"]);
    let run = |id: &str, answer: &str| {
        let file = l.dir().join("answer.txt");
        std::fs::write(&file, answer).expect("write");
        l.json(&["practice", id, "--replies", file.to_str().expect("path")])[0].clone()
    };
    let right = run("training-mc-refund-approval", "2");
    assert_eq!(
        (right["score"].clone(), right["passed"].clone()),
        (100.into(), true.into())
    );
    let wrong = run("training-mc-refund-approval", "1");
    assert_eq!(wrong["score"], 0);
    assert_eq!(
        wrong["points"][0]["missing"][0], "提交 L2 及以上审批",
        "{wrong}"
    );
    // Several right choices: all of them and only them, in any order or form.
    assert_eq!(run("training-mc-ticket-closing", "３、１")["score"], 100);
    assert_eq!(run("training-mc-ticket-closing", "1")["score"], 0);
    assert_eq!(run("training-mc-ticket-closing", "1,2,3")["score"], 0);
    let shown = l.ok(&["practice", "training-mc-ticket-closing", "--replies", "-"]);
    assert!(shown.contains("得分 0 / 100"), "{shown}");
}

#[test]
fn a_set_of_items_is_assigned_at_once_by_category_or_by_name() {
    let l = crate::lore();
    l.ok(&["--name", "培训主管", "demo"]);
    let set = l.json(&[
        "training",
        "assign",
        "--category",
        "培训",
        "--to",
        "客服",
        "--pass",
        "75",
    ]);
    assert!(
        set.len() > 5,
        "every training item filed under 培训: {set:?}"
    );
    assert!(
        set.iter()
            .all(|a| a["pass"] == 75 && a["to"]["value"] == "agent")
    );
    let two = l.json(&[
        "training",
        "assign",
        "training-rp-broken-cup",
        "training-mc-ticket-closing",
        "--to",
        "all",
    ]);
    assert_eq!(two.len(), 2);
    let refused = l.fails(&[
        "training",
        "assign",
        "training-rp-broken-cup",
        "faq-refund-timeline",
        "--to",
        "all",
    ]);
    assert!(refused.contains("not a training item"), "{refused}");
    let none = l.fails(&[
        "training",
        "assign",
        "--category",
        "没有这个分类",
        "--to",
        "all",
    ]);
    assert!(none.contains("no training item is filed under"), "{none}");
}
