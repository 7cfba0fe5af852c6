//! `lore-bench credit`: the board (贡献榜) and blame on a generated team — by default the
//! issue's sizes: 10,000 entries, 50 members, 1,000,000 copies in their ledgers. Measured:
//! the first board (everything derived), the board cold in a fresh process (derived rows
//! read from the store), the board after one new use arrives, and blame of a
//! 2,000-character entry with 200 edits.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use lore_core::credit::{Board, Period};
use lore_core::model::now_millis;
use lore_core::{Copy, DocKey, Library};
use lore_sync::Identity;

use crate::credit_team::{self, BLAME_CHARS, BLAME_EDITS, Sizes};
use crate::measure::{Scratch, dir_size, figure, ms, percentile, rss_anon_mb};

const PERIODS: [&str; 3] = ["7d", "30d", "all"];

fn open(dir: &Path) -> Result<Library> {
    Ok(Library::open(
        dir,
        Identity::load_or_create(dir, None)?.writer(),
    )?)
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, Duration)> {
    let started = Instant::now();
    let value = f()?;
    Ok((value, started.elapsed()))
}

fn summary(board: &Board) -> String {
    let uses: f64 = board.members.iter().map(|m| m.uses).sum();
    let top: Vec<String> = board
        .members
        .iter()
        .take(3)
        .map(|m| format!("{} {:.0}", m.name, m.uses))
        .collect();
    format!(
        "{} members, {uses:.0} credited uses; top: {}",
        board.members.len(),
        top.join(", ")
    )
}

pub fn run(sizes: Sizes) -> Result<ExitCode> {
    let scratch = Scratch::new("credit")?;
    println!(
        "credit benchmark: {} entries, {} members, {} copies in their ledgers, in {}",
        sizes.entries,
        sizes.members,
        sizes.copies,
        scratch.0.display()
    );
    println!("generating (each member in their own library, synced to the admin's):");
    let now = now_millis() / 1000;
    let (team, generation) = timed(|| credit_team::generate(&scratch.0, sizes, now))?;
    println!(
        "generated in {:.0} s: {} entries edited by teammates, {} answers ({} adopted by a \
         lead), copies spread over a year (Zipf-like over entries, ~40% marked)",
        generation.as_secs_f64(),
        team.edited,
        team.answers,
        team.adopted
    );
    let mut ok = true;

    // (a) The first board ever: every document derived, the rows stored.
    let (before, _) = dir_size(&team.hub)?;
    let mut library = open(&team.hub)?;
    let (board, first) = timed(|| Ok(library.credits(Period::ALL)?))?;
    drop(library);
    let (after, _) = dir_size(&team.hub)?;
    println!(
        "{:<44} {:>9.2} s   (informational: {} documents derived)",
        "first board (nothing derived yet)",
        first.as_secs_f64(),
        sizes.entries + 1 + team.members.len()
    );
    println!("  board, all time: {}", summary(&board));
    println!(
        "  data directory {:.1} MB; it grew {:.1} MB when the derived rows were stored",
        after as f64 / 1e6,
        after.saturating_sub(before) as f64 / 1e6
    );

    // (b) Cold: a fresh process opens the library and computes the board.
    let exe = std::env::current_exe().context("locating the lore-bench binary")?;
    for since in PERIODS {
        let mut boards = Vec::new();
        let mut line = String::new();
        for _ in 0..3 {
            let out = Command::new(&exe)
                .args(["credit-cold", "--since", since, "--dir"])
                .arg(&team.hub)
                .stderr(Stdio::inherit())
                .output()?;
            if !out.status.success() {
                bail!("the cold board failed");
            }
            line = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let board_ms: f64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .context("reading the cold figures")?;
            boards.push(Duration::from_secs_f64(board_ms / 1000.0));
        }
        let slowest = boards.iter().max().copied().unwrap_or_default();
        ok &= figure(
            &format!("board {since}, cold (new process), slowest of 3"),
            ms(slowest),
            1000.0,
            "ms",
        );
        let f: Vec<&str> = line.split_whitespace().collect();
        if let [open_ms, _, rss, ..] = f[..] {
            println!("  open {open_ms} ms before it; anonymous RSS after the board {rss} MB");
        }
    }

    // (c) One new use arrives, then the board.
    let mut library = open(&team.hub)?;
    library.credits(Period::ALL)?;
    let entry = library.ids()[0].clone();
    let mut own = Vec::new();
    let mut copying = Vec::new();
    for _ in 0..7 {
        copying.push(timed(|| Ok(library.record_copy(&entry, None)?))?.1);
        own.push(timed(|| Ok(library.credits(Period::ALL)?))?.1);
    }
    let (dir, member) = &team.members[team.members.len() / 2];
    let mut teammate = open(dir)?;
    let key = vec![DocKey::ledger(member)];
    let mut synced = Vec::new();
    let mut taken = Vec::new();
    teammate.forget_own_news();
    for k in 0..7 {
        teammate.record_copies(&[Copy {
            entry: entry.clone(),
            at: now + 3600 * (k + 1),
            answer: String::new(),
            solved: Some(true),
        }])?;
        // As news reaches every peer: the one change, checked and stored.
        let news = teammate.own_news()?;
        taken.push(timed(|| Ok(library.receive_changes(member, &news)?))?.1);
        library.flusher().flush()?;
        credit_team::sync(&mut teammate, &mut library, &key)?;
        synced.push(timed(|| Ok(library.credits(Period::ALL)?))?.1);
    }
    drop(teammate);
    // A ledger keeps a day's copies, and its counts of uses, in objects of their own, so
    // a new copy costs its writer, and the change of it every peer, what it would in a
    // ledger holding none (automerge walks every operation of each object a change
    // touches).
    let me = library.writer().member.clone();
    let copies = library.ledger(&me)?.uses.values().sum::<u64>();
    println!("the writer's own copy, their ledger holding {copies} copies:");
    ok &= figure(
        "  recorded and stored durably, p50 of 7",
        ms(percentile(&mut copying, 50)),
        20.0,
        "ms",
    );
    let copies = library.ledger(member)?.uses.values().sum::<u64>();
    println!("a teammate's copy taken in as news, their ledger holding {copies} copies:");
    ok &= figure(
        "  one copy's news checked and stored, p50 of 7",
        ms(percentile(&mut taken, 50)),
        2.0,
        "ms",
    );
    for (name, samples) in [
        ("board after the writer's own new copy", &mut own),
        ("board after a teammate's copy synced in", &mut synced),
    ] {
        let slowest = samples.iter().max().copied().unwrap_or_default();
        ok &= figure(
            &format!("{name}, p50"),
            ms(percentile(samples, 50)),
            100.0,
            "ms",
        );
        ok &= figure(&format!("{name}, max of 7"), ms(slowest), 100.0, "ms");
    }

    // (d) Blame of the entry 2,000 characters long after 200 edits.
    let (blame, first) = timed(|| Ok(library.blame(&team.blamed)?))?;
    let mut runs = Vec::new();
    for _ in 0..11 {
        runs.push(timed(|| Ok(library.blame(&team.blamed)?))?.1);
    }
    let authors: std::collections::BTreeSet<&str> =
        blame.body.iter().map(|s| s.author.as_str()).collect();
    println!(
        "blame: {} sentences by {} members ({BLAME_CHARS} characters, {BLAME_EDITS} edits); \
         first call {:.1} ms",
        blame.body.len(),
        authors.len(),
        ms(first)
    );
    ok &= figure(
        "blame, median of 11",
        ms(percentile(&mut runs, 50)),
        20.0,
        "ms",
    );
    // Where its time goes: blame checks each change's signature on every call.
    let changes = library.history(&team.blamed)?.len();
    let checks = crate::sync::verifying(changes)?;
    println!(
        "  of which checking its {changes} changes' signatures (measured alone): {:.1} ms",
        ms(checks)
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The cold board, run in its own process: opens the library in `dir`, computes the board
/// for `since`, and prints the open and board times (ms) and the anonymous RSS (MB).
pub fn cold(dir: &Path, since: &str) -> Result<ExitCode> {
    let period = Period::parse(since, now_millis()).context("a period such as 7d or all")?;
    let (mut library, opened) = timed(|| open(dir))?;
    let (board, computed) = timed(|| Ok(library.credits(period)?))?;
    println!(
        "{:.1} {:.1} {:.1} {}",
        ms(opened),
        ms(computed),
        rss_anon_mb(),
        board.members.len()
    );
    Ok(ExitCode::SUCCESS)
}
