//! Freshness on the real binary and on real peers: an entry past its verification date is
//! listed and badged, verifying clears it, only the owner and leads may verify, and every
//! peer derives the same states from the same documents — a claim in a ledger of someone
//! who may not verify counts for nothing.

use automerge::{ObjType, ROOT, transaction::Transactable};
use lore_core::{FreshState, Library, Role, Writer};
use lore_sync::Identity;

use crate::lore;

/// A date `days` ago, as `lore verify --at` takes it.
fn days_ago(days: i64) -> String {
    (chrono::Local::now() - chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn an_overdue_entry_is_listed_and_badged_until_it_is_verified() {
    let l = lore();
    let stale = l.add_faq("退款多久到账", "审核通过后一到三个工作日原路退回。");
    let never = l.add_faq("发票怎么开", "在订单详情页申请电子发票。");
    l.ok(&["edit", &stale, "--owner", "tester", "--verify-every", "30"]);
    // Checked 40 days ago, recorded then: ten days past due.
    l.ok(&["verify", &stale, "--at", &days_ago(40)]);

    let due = l.json(&["verify", "--due"]);
    let states: Vec<(&str, &str)> = due
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default(),
                f["state"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [(stale.as_str(), "overdue"), (never.as_str(), "unverified")],
        "overdue first, then never verified (the team's 90-day default)"
    );
    assert_eq!(due[0]["owner_name"], "tester");
    assert_eq!(due[0]["last"]["by_name"], "tester");
    assert_eq!(due[1]["every_days"], 90);
    let text = l.ok(&["verify", "--due"]);
    assert!(text.starts_with("已过期"), "{text}");
    assert!(text.contains("负责人 tester"), "{text}");

    let show = l.ok(&["show", &stale]);
    assert!(show.contains("负责人: tester"), "{show}");
    assert!(show.contains("核实: 已过期：tester"), "{show}");
    let list = l.ok(&["list"]);
    let line = |id: &str| {
        list.lines()
            .find(|x| x.starts_with(id))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line(&stale).ends_with("(已过期)"), "{list}");
    assert!(!line(&never).contains("已过期"), "{list}");

    // Checked again today: fresh, off the list, no badge.
    let verified = l.ok(&["verify", &stale]);
    assert!(verified.contains("已核实：tester"), "{verified}");
    let due = l.json(&["verify", "--due"]);
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["id"], never.as_str());
    assert!(l.ok(&["show", &stale]).contains("核实: 已核实：tester"));
    assert!(!l.ok(&["list"]).contains("已过期"));
}

#[test]
fn verifying_is_checked_before_anything_is_written() {
    let l = lore();
    let id = l.add_faq("退款多久到账", "一到三个工作日。");
    let err = l.fails(&["verify", &id, "--at", "2999-01-01"]);
    assert!(err.contains("future"), "{err}");
    let err = l.fails(&["verify", &id, "--at", "昨天"]);
    assert!(err.contains("not a date like 2026-11-02"), "{err}");
    let err = l.fails(&["edit", &id, "--owner", "无此人"]);
    assert!(err.contains("no member matches `无此人`"), "{err}");
    let err = l.fails(&["edit", &id, "--verify-every", "5000"]);
    assert!(err.contains("1 to 3650 days"), "{err}");
    assert_eq!(l.json(&["verify", "--due"])[0]["state"], "unverified");
    // The team's default: 90 days until an admin sets another, none at 0.
    l.ok(&["verify", "--team-default", "14"]);
    assert_eq!(l.json(&["verify", "--due"])[0]["every_days"], 14);
    l.ok(&["verify", "--team-default", "0"]);
    assert!(l.json(&["verify", "--due"]).is_empty());
    l.ok(&["verify", "--team-default", "90"]);
    // A draft has no interval: it is not listed.
    l.ok(&["edit", &id, "--status", "draft"]);
    assert!(l.json(&["verify", "--due"]).is_empty());
}

#[test]
fn an_agent_verifies_only_what_they_own() {
    let l = lore();
    std::fs::create_dir_all(l.dir()).expect("mkdir");
    let me = Identity::load_or_create(&l.dir(), Some("赵敏"))
        .expect("identity")
        .member_id();
    let (mine, theirs) = {
        // The admin set up this library, added this device as an agent and made it the
        // owner of one entry.
        let mut library = Library::open(&l.dir(), Writer::generate("周静")).expect("open");
        library
            .update_team("invited", |t| {
                t.members.insert(me.clone(), agent(&me, "赵敏"));
                Ok(())
            })
            .expect("roster");
        let mine = library
            .add(lore_core::Entry {
                owner: Some(me.clone()),
                verify_every_days: Some(30),
                ..lore_core::Entry::new(lore_core::Kind::Faq, "运费怎么算")
            })
            .expect("add");
        let theirs = library
            .add(lore_core::Entry::new(lore_core::Kind::Faq, "发票怎么开"))
            .expect("add");
        (mine, theirs)
    };
    let queue = l.json(&["verify", "--due", "--mine"]);
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["id"], mine.as_str());

    let err = l.fails(&["verify", &theirs]);
    assert!(
        err.contains("only the entry's owner and admins and trainers can verify it; ask 周静"),
        "{err}"
    );
    assert!(l.ok(&["verify", &mine]).contains("已核实：赵敏"));
    assert!(l.json(&["verify", "--due", "--mine"]).is_empty());
    let due = l.json(&["verify", "--due"]);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0]["id"], theirs.as_str(), "still unverified: {due:?}");
}

fn agent(id: &str, name: &str) -> lore_core::Member {
    lore_core::Member {
        id: id.to_string(),
        name: name.to_string(),
        role: Role::Agent,
        added_by: String::new(),
        added_at: 0,
        removed: false,
        history_ends: Default::default(),
    }
}

/// A verification claim put straight into a ledger, as a client that skips the checks
/// would write it.
fn claim(entry: String, at: i64) -> impl FnOnce(&mut automerge::AutoCommit) {
    move |doc| {
        let map = doc.put_object(ROOT, "verified", ObjType::Map).expect("map");
        doc.put(&map, entry.as_str(), at.to_string()).expect("put");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_peer_derives_the_same_freshness_and_ignores_claims_without_standing() {
    let root = tempfile::tempdir().expect("tempdir");
    let roles = [("bob", Role::Agent), ("mallory", Role::Agent)];
    let (alice, mut members) = crate::hostile::team(root.path(), &roles).await;
    let (bob_id, mallory_id) = (members[0].id(), members[1].id());
    let owned = "faq-invoice-how-to";
    let unowned = "faq-return-damaged-on-arrival";
    alice.with(|l| {
        l.edit(owned, |e| {
            e.owner = Some(bob_id.clone());
            e.verify_every_days = Some(30);
            Ok(())
        })
        .expect("owner");
    });
    for m in &members {
        m.sync_with(&alice).await.expect("sync");
    }
    members[0].with(|l| l.verify(owned).expect("the owner verifies"));
    let refused = members[1].with(|l| l.verify(unowned));
    assert!(
        matches!(refused, Err(lore_core::Error::Forbidden(_))),
        "{refused:?}"
    );

    // Mallory writes the claim anyway (into the ledger her copies are counted in), into her own ledger, signed with her own key: a
    // change peers accept (it is her ledger), which must not make the entry fresh.
    members[1].with(|l| l.record_use(unowned).expect("a copy"));
    members[1].stop().await;
    let now = chrono::Utc::now().timestamp();
    let ledger = format!("ledger/{mallory_id}");
    let key = members[1].key();
    crate::hostile::forge(
        &members[1].dir,
        &ledger,
        &mallory_id,
        Some(&key),
        claim(unowned.to_string(), now),
    );
    members[1].start(None).await;
    for _ in 0..2 {
        for m in &members {
            m.sync_with(&alice).await.expect("sync");
        }
    }
    assert!(alice.with(|l| l.has_document(&ledger).expect("has")));

    let at = now + 60;
    let seen: Vec<Vec<lore_core::Freshness>> = std::iter::once(&alice)
        .chain(&members)
        .map(|p| p.with(|l| l.freshness_at(at).expect("freshness")))
        .collect();
    assert!(seen.iter().all(|s| *s == seen[0]), "the same on every peer");
    let of = |id: &str| seen[0].iter().find(|f| f.id == id).expect("listed").clone();
    let owned = of(owned);
    assert_eq!(owned.state, FreshState::Fresh);
    assert_eq!(
        owned.last.as_ref().map(|v| v.by.as_str()),
        Some(bob_id.as_str())
    );
    assert_eq!(owned.owner_name, "bob");
    assert_eq!(
        of(unowned).state,
        FreshState::Unverified,
        "mallory's claim counts for nothing"
    );

    let mut all = members;
    all.push(alice);
    for mut peer in all {
        peer.stop().await;
    }
}

#[test]
fn owner_and_interval_travel_in_csv_by_name_and_read_back_by_name_or_id() {
    let l = lore();
    let id = l.add_faq("退款多久到账", "一到三个工作日。");
    l.ok(&["edit", &id, "--owner", "tester", "--verify-every", "45"]);
    let csv = l.scratch("out.csv");
    l.ok(&["export", "--format", "csv", csv.to_str().expect("path")]);
    let text = String::from_utf8(std::fs::read(&csv).expect("csv")).expect("UTF-8");
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.contains("负责人") && header.contains("核实周期（天）"),
        "{header}"
    );
    assert!(text.contains(",tester,45"), "the owner by name: {text}");

    // Another library reads the name back as its own member of that name.
    let other = lore();
    other.ok(&["import", csv.to_str().expect("path")]);
    let me = other
        .json(&["members"])
        .into_iter()
        .find(|m| m["you"] == true)
        .expect("me");
    let shown = other.json(&["show", &id]).remove(0);
    assert_eq!(shown["owner"], me["id"]);
    assert_eq!(shown["verify_every_days"], 45);
    assert!(other.ok(&["show", &id]).contains("负责人: tester"));

    // By id too; a days cell that is not a number is named with its line.
    let by_id = l.scratch("by-id.csv");
    std::fs::write(
        &by_id,
        format!(
            "类型,标题,负责人,核实周期（天）\n常见问题,发票怎么开,{},7\n常见问题,运费怎么算,,每周\n",
            me["id"].as_str().unwrap_or_default()
        ),
    )
    .expect("write");
    let err = other.fails(&["import", by_id.to_str().expect("path")]);
    assert!(
        err.contains("by-id.csv:3") && err.contains("must be a number of days, not `每周`"),
        "{err}"
    );
    std::fs::write(
        &by_id,
        format!(
            "类型,标题,负责人,核实周期（天）\n常见问题,发票怎么开,{},7\n",
            me["id"].as_str().unwrap_or_default()
        ),
    )
    .expect("write");
    other.ok(&["import", by_id.to_str().expect("path")]);
    let due = other.json(&["verify", "--due", "--mine"]);
    let titles: Vec<&str> = due.iter().filter_map(|f| f["title"].as_str()).collect();
    assert_eq!(
        titles,
        ["发票怎么开", "退款多久到账"],
        "both unverified, both mine"
    );
    assert_eq!(due[0]["every_days"], 7);
}

/// The pure rules, on a roster of a lead, the owner, another agent and a removed admin.
mod rules {
    use std::collections::BTreeMap;

    use lore_core::freshness::{Claims, DEFAULT_DAYS_SETTING, assess};
    use lore_core::{Entry, FreshState, Kind, Member, Role, Status, Team};

    const DAY: i64 = 86_400;

    fn team() -> Team {
        let mut team = Team::default();
        for (id, name, role, removed) in [
            ("lead", "周静", Role::Admin, false),
            ("own", "李雷", Role::Agent, false),
            ("other", "王芳", Role::Agent, false),
            ("gone", "旧管理员", Role::Admin, true),
        ] {
            team.members.insert(
                id.to_string(),
                Member {
                    id: id.to_string(),
                    name: name.to_string(),
                    role,
                    added_by: String::new(),
                    added_at: 0,
                    removed,
                    history_ends: BTreeMap::new(),
                },
            );
        }
        team
    }

    fn entry() -> Entry {
        Entry {
            id: "e1".to_string(),
            owner: Some("own".to_string()),
            verify_every_days: Some(30),
            ..Entry::new(Kind::Faq, "退款多久到账")
        }
    }

    fn claims(list: &[(&str, i64)]) -> Claims {
        list.iter()
            .map(|(m, at)| (m.to_string(), BTreeMap::from([("e1".to_string(), *at)])))
            .collect()
    }

    #[test]
    fn states_follow_the_latest_verification_that_counts() {
        let now = 100 * DAY;
        let state = |c: &[(&str, i64)]| assess(&entry(), &team(), &claims(c), now).map(|f| f.state);
        assert_eq!(state(&[]), Some(FreshState::Unverified));
        assert_eq!(state(&[("own", now - 31 * DAY)]), Some(FreshState::Overdue));
        assert_eq!(state(&[("own", now - 25 * DAY)]), Some(FreshState::DueSoon));
        assert_eq!(state(&[("lead", now - DAY)]), Some(FreshState::Fresh));
        // Neither an agent who is not the owner nor a removed admin makes it fresh.
        assert_eq!(state(&[("other", now)]), Some(FreshState::Unverified));
        assert_eq!(
            state(&[("gone", now), ("own", now - 40 * DAY)]),
            Some(FreshState::Overdue)
        );
    }

    #[test]
    fn the_team_default_applies_to_published_replies_only() {
        let mut e = entry();
        e.verify_every_days = None;
        let mut t = team();
        let every = |e: &Entry, t: &Team| assess(e, t, &Claims::new(), 0).map(|f| f.every_days);
        assert_eq!(every(&e, &t), Some(90));
        let training = Entry {
            kind: Kind::Training,
            ..e.clone()
        };
        assert_eq!(every(&training, &t), None);
        t.settings
            .insert(DEFAULT_DAYS_SETTING.to_string(), "0".to_string());
        assert_eq!(every(&e, &t), None);
        e.verify_every_days = Some(30);
        assert_eq!(every(&e, &t), Some(30), "its own interval stands");
        e.status = Status::Draft;
        assert_eq!(every(&e, &t), None);
    }
}
