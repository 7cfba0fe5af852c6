//! Team administration through the CLI: naming the team, the roster, admin-only changes.

use lore_core::{Library, Role, Writer};
use lore_sync::Identity;

use crate::library::member;
use crate::lore;

#[test]
fn the_creator_names_the_team_and_manages_the_roster() {
    let l = lore();
    l.ok(&["--name", "周静", "demo"]);
    let created = l.json(&["team", "create", "青木客服中心"]).remove(0);
    assert_eq!(created["name"], "青木客服中心");
    let members = l.json(&["members"]);
    let me = members.iter().find(|m| m["you"] == true).expect("me");
    assert_eq!(me["name"], "周静", "the team name is not my name");
    assert_eq!(me["role"], "admin");
    assert_eq!(me["id"].as_str().map(str::len), Some(64));
    l.ok(&["role", "李华", "trainer"]);
    l.ok(&["remove", "陈磊"]);
    let members = l.json(&["members"]);
    let by_name = |n: &str| {
        members
            .iter()
            .find(|m| m["name"] == n)
            .cloned()
            .expect("member")
    };
    assert_eq!(by_name("李华")["role"], "trainer");
    assert_eq!(by_name("陈磊")["removed"], true);
    let err = l.fails(&["role", "nobody", "agent"]);
    assert!(err.contains("no member matches `nobody`"), "{err}");
}

#[test]
fn the_only_admin_stays_an_admin() {
    let l = lore();
    l.ok(&["team", "create", "小团队"]);
    let me = l.json(&["members"]).remove(0)["id"]
        .as_str()
        .expect("id")
        .to_string();
    let err = l.fails(&["role", &me, "agent"]);
    assert!(
        err.contains("only admin; make someone else admin first"),
        "{err}"
    );
    let err = l.fails(&["remove", &me]);
    assert!(err.contains("only admin"), "{err}");
}

#[test]
fn members_who_are_not_admins_are_refused_with_whom_to_ask() {
    let l = lore();
    std::fs::create_dir_all(l.dir()).expect("mkdir");
    let me = Identity::load_or_create(&l.dir(), Some("赵敏"))
        .expect("identity")
        .member_id();
    {
        // The team's admin set up this library and added this device as an agent.
        let mut library = Library::open(&l.dir(), Writer::new("boss", "周静")).expect("open");
        library
            .update_team("invited", |t| {
                t.members.insert(me.clone(), member(&me, Role::Agent));
                Ok(())
            })
            .expect("roster");
    }
    for args in [
        &["role", "周静", "viewer"][..],
        &["remove", "周静"],
        &["team", "create", "X"],
    ] {
        let err = l.fails(args);
        assert!(
            err.contains("only admins can do this; ask 周静"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(l.json(&["members"]).len(), 2, "nothing changed");
}

/// A free UDP port on loopback (iroh listens on UDP).
fn free_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[test]
fn invite_serve_and_join_from_the_command_line() {
    let alice = lore();
    let bob = lore();
    alice.ok(&["--name", "Alice", "demo"]);
    alice.ok(&["team", "create", "青木客服中心"]);
    let listen = format!("127.0.0.1:{}", free_port());
    let ticket = alice.ok(&[
        "invite",
        "--role",
        "trainer",
        "--expires",
        "1h",
        "--listen",
        &listen,
    ]);
    let ticket = ticket.trim().to_string();
    assert!(ticket.starts_with("lore1"), "{ticket}");
    let mut serve = alice
        .command()
        .args(["serve", "--listen", &listen])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lore serve");
    // The node is up once it says where it listens.
    let mut stderr = std::io::BufReader::new(serve.stderr.take().expect("stderr"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).expect("read");
    assert!(first.contains("listening on"), "{first}");

    let joined = bob
        .json(&["--name", "Bob", "join", &ticket, "--listen", "127.0.0.1:0"])
        .remove(0);
    assert_eq!(joined["role"], "trainer");
    assert!(joined["entries"].as_u64().unwrap_or(0) > 300, "{joined}");
    assert_eq!(
        bob.json(&["search", "杯子碎了能退吗"])[0]["id"],
        "faq-return-damaged-on-arrival"
    );
    let status = bob.json(&["status"]).remove(0);
    assert_eq!(status["team_name"], "青木客服中心");
    assert_eq!(status["peers"][0]["name"], "Alice");
    // A second device cannot reuse the ticket.
    let carol = lore();
    let err = carol.fails(&["join", &ticket, "--listen", "127.0.0.1:0"]);
    assert!(err.contains("already used"), "{err}");
    // Ctrl-C stops the node cleanly.
    let stopped = std::process::Command::new("kill")
        .args(["-INT", &serve.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let status = serve.wait().expect("wait");
    assert!(status.success(), "lore serve exited with {status}");
    // The roster replicated: Alice's library lists Bob as a trainer.
    let members = alice.json(&["members"]);
    assert!(
        members
            .iter()
            .any(|m| m["name"] == "Bob" && m["role"] == "trainer"),
        "{members:?}"
    );
    // Errors for tickets that are not tickets.
    let err = carol.fails(&["join", "not-a-ticket"]);
    assert!(err.contains("not a Lore invite ticket"), "{err}");
}
