//! The library facade in-process: ledgers, roles and the team document.

use lore_core::{Entry, Kind, Library, Role, Writer};

/// The writer of a test member called `name`: the same device key every time, so a test
/// can open a library as the same member again.
pub fn writer(name: &str) -> Writer {
    let mut seed = [7u8; 32];
    for (i, b) in name.bytes().enumerate() {
        seed[i % 32] ^= b.wrapping_add(i as u8);
    }
    Writer::new(ed25519_dalek::SigningKey::from_bytes(&seed), name)
}

/// The member id of the test member called `name`.
pub fn member_id(name: &str) -> String {
    writer(name).member
}

/// A roster entry for the test member called `name`, with `role`.
pub fn member(name: &str, role: Role) -> lore_core::Member {
    lore_core::Member {
        id: member_id(name),
        name: name.into(),
        role,
        added_by: String::new(),
        added_at: 0,
        removed: false,
        history_ends: Default::default(),
    }
}

fn open(dir: &std::path::Path, member: &str) -> Library {
    Library::open(dir, writer(member)).expect("open the library")
}

#[test]
fn uses_are_counted_per_member_and_summed_over_ledgers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let mut library = open(dir.path(), "member-a");
        let id = library
            .add(Entry::new(Kind::Script, "欢迎语"))
            .expect("add");
        library.record_use(&id).expect("use");
        assert_eq!(library.record_use(&id).expect("use"), 2);
        id
    };
    {
        let mut library = open(dir.path(), "member-a");
        library
            .update_team("added member-b", |team| {
                team.members
                    .insert(member_id("member-b"), member("member-b", Role::Agent));
                Ok(())
            })
            .expect("admin adds member-b");
    }
    let mut library = open(dir.path(), "member-b");
    library.record_use(&id).expect("use");
    assert_eq!(
        library.ledger(&member_id("member-a")).expect("ledger").uses[&id],
        2
    );
    assert_eq!(
        library.ledger(&member_id("member-b")).expect("ledger").uses[&id],
        1
    );
    assert_eq!(library.total_uses().expect("totals")[&id], 3);
}

#[test]
fn a_writer_missing_from_a_team_roster_is_sent_to_an_admin() {
    let dir = tempfile::tempdir().expect("tempdir");
    open(dir.path(), "lead")
        .my_role()
        .expect("the creator is admin");
    let mut stranger = open(dir.path(), "stranger");
    let err = stranger
        .add(Entry::new(Kind::Faq, "x"))
        .expect_err("not on the roster");
    assert!(
        err.to_string().contains("ask an admin for an invite"),
        "{err}"
    );
}

#[test]
fn the_creator_is_admin_and_a_viewer_cannot_change_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut library = open(dir.path(), "lead");
        assert_eq!(library.my_role().expect("role"), Role::Admin);
        library
            .update_team("added a viewer", |team| {
                let auditor = member("刘洋", Role::Viewer);
                team.members.insert(auditor.id.clone(), auditor);
                Ok(())
            })
            .expect("update team");
    }
    let mut library = Library::open(dir.path(), writer("刘洋")).expect("open the library");
    let err = library
        .add(Entry::new(Kind::Faq, "x"))
        .expect_err("viewers cannot add");
    assert!(err.to_string().contains("you are a viewer"), "{err}");
    assert!(library.is_empty());
    let team = library.team().expect("team");
    assert_eq!(team.members[&member_id("刘洋")].name, "刘洋");
    assert_eq!(team.members[&member_id("lead")].role, Role::Admin);
}

/// Contributing and adopting answers is one operation in core, for the app and the command
/// line alike: an answer that is not the entry's is refused and nothing changes.
#[test]
fn only_an_answer_of_the_entry_can_be_adopted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut library = open(dir.path(), "member-a");
    let id = library
        .add(Entry::new(Kind::Faq, "能开专票吗"))
        .expect("add");
    let entry = library
        .contribute_answer(&id, "  可以，提供税号和开户行即可。 ")
        .expect("contribute");
    let answer = entry.answers[0].clone();
    assert_eq!(
        (answer.author.as_str(), answer.text.as_str()),
        (
            member_id("member-a").as_str(),
            "可以，提供税号和开户行即可。"
        )
    );
    let err = library
        .adopt_answer(&id, "not-an-answer")
        .expect_err("an unknown answer is refused");
    assert!(
        err.to_string().contains("has no answer not-an-answer"),
        "{err}"
    );
    assert!(!library.get(&id).expect("get").answers[0].adopted);
    let adopted = library.adopt_answer(&id, &answer.id).expect("adopt");
    assert!(adopted.answers[0].adopted);
    assert_eq!(
        adopted.adopted_answer().map(|a| a.id.as_str()),
        Some(answer.id.as_str())
    );
}

/// A used invite stays used: presenting it again never re-adds, re-roles or un-removes
/// anyone, before or after its expiry. Its own member may only fetch the team document
/// again (a join that was cut off resumes) while still active.
#[test]
fn a_replayed_invite_changes_nothing_on_the_roster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut admin = open(dir.path(), "admin-a");
    admin.create_team_named("青木客服中心").expect("team");
    let invite = admin.create_invite(Role::Agent, 60_000).expect("invite");
    admin
        .accept_invite(&invite.secret, Role::Agent, "member-x", "小李")
        .expect("first use");
    admin.set_role("member-x", Role::Viewer).expect("demote");
    admin
        .accept_invite(&invite.secret, Role::Agent, "member-x", "小李")
        .expect("its member may fetch the team document again");
    let role = |admin: &mut Library| admin.team().expect("team").members["member-x"].role;
    assert_eq!(role(&mut admin), Role::Viewer, "a replay does not re-role");
    let stranger = admin.accept_invite(&invite.secret, Role::Agent, "member-y", "路人");
    assert!(
        matches!(stranger, Err(lore_core::Error::InviteRefused(_))),
        "{stranger:?}"
    );
    admin.remove_member("member-x").expect("remove");
    let removed = admin.accept_invite(&invite.secret, Role::Agent, "member-x", "小李");
    assert!(
        matches!(removed, Err(lore_core::Error::InviteRefused(_))),
        "{removed:?}"
    );
    let team = admin.team().expect("team");
    assert!(
        team.members["member-x"].removed,
        "a replay does not un-remove"
    );
    assert!(!team.members.contains_key("member-y"), "nor adds anyone");
}
