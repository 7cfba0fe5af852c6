//! The team the credit benchmark measures, generated the way a real team builds it: every
//! member works in their own library (own key, own data directory), and what they write —
//! entries, edits, answers, their ledger of copies — reaches the measured library (the
//! admin's) through the sync protocol, each change signed and checked on arrival.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};
use lore_core::{Copy, DocKey, Entry, Kind, Library, Role};
use lore_sync::Identity;

use crate::corpus::Rng;

/// How large a team to generate.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub entries: usize,
    pub members: usize,
    /// Copies over all ledgers.
    pub copies: usize,
}

/// Members who create the entries (the admin among them).
const CREATORS: usize = 10;
/// Members who edit others' entries and add answers, and how many entries each.
const EDITORS: usize = 20;
const EDITS_EACH: usize = 100;
/// The blamed entry: its length and how many edits, by how many members.
pub const BLAME_CHARS: usize = 2_000;
pub const BLAME_EDITS: usize = 200;
const BLAME_EDITORS: usize = 8;
const YEAR_SECS: i64 = 365 * 86_400;

/// The generated team, its libraries closed.
pub struct Team {
    /// The measured library: the admin's.
    pub hub: PathBuf,
    /// Every member's data directory and id, the admin first.
    pub members: Vec<(PathBuf, String)>,
    /// The entry whose blame is measured.
    pub blamed: String,
    pub answers: usize,
    pub adopted: usize,
    pub edited: usize,
}

/// Sentences and phrases teammates add to entries.
const ADDED: [&str; 8] = [
    "节假日顺延，请您耐心等待。",
    "如有疑问可随时联系在线客服。",
    "请提供订单号以便我们核实。",
    "特殊商品以页面说明为准。",
    "Please keep the order number ready.",
    "赠品需一并退回。",
    "审核通过后会短信通知您。",
    "大促期间处理时间可能延长。",
];
const PHRASES: [&str; 4] = ["（已核实）", "（2024版）", "，亲", "（以页面为准）"];

fn member_dir(root: &Path, i: usize) -> PathBuf {
    root.join(format!("m{i:02}"))
}

/// Member `i`'s library: joined with `team` on first use, opened afterwards.
fn open(root: &Path, i: usize, team: &[u8]) -> Result<Library> {
    let dir = member_dir(root, i);
    let fresh = !dir.join(lore_core::DB_FILE).exists();
    let writer = Identity::load_or_create(&dir, Some(&format!("m{i:02}")))?.writer();
    Ok(if fresh {
        Library::join(&dir, writer, team)?
    } else {
        Library::open(&dir, writer)?
    })
}

/// Runs the sync protocol for `keys` between two libraries until neither has anything
/// to send, each round's messages taken in as one batch, as a node's session does.
pub fn sync(a: &mut Library, b: &mut Library, keys: &[String]) -> Result<()> {
    let (a_id, b_id) = (a.writer().member.clone(), b.writer().member.clone());
    let mut with_b = a.begin_sync(&b_id);
    let mut with_a = b.begin_sync(&a_id);
    for _round in 0..100 {
        let mut said = false;
        for chunk in keys.chunks(1_000) {
            let mut to_b = Vec::new();
            for key in chunk {
                if let Some(m) = a.sync_message(&mut with_b, key)? {
                    to_b.push((key.clone(), m));
                }
            }
            if !to_b.is_empty() {
                b.receive_batch(&mut with_a, &to_b)?;
                said = true;
            }
            let mut to_a = Vec::new();
            for key in chunk {
                if let Some(m) = b.sync_message(&mut with_a, key)? {
                    to_a.push((key.clone(), m));
                }
            }
            if !to_a.is_empty() {
                a.receive_batch(&mut with_b, &to_a)?;
                said = true;
            }
        }
        if !said {
            return Ok(());
        }
    }
    bail!("sync did not settle within 100 rounds")
}

fn phase(name: &str, started: Instant) {
    println!("  {name:<42} {:>7.1} s", started.elapsed().as_secs_f64());
}

/// Generates the team under `root`.
pub fn generate(root: &Path, sizes: Sizes, now_secs: i64) -> Result<Team> {
    let mut rng = Rng::new(2024);
    let n = sizes.members.max(BLAME_EDITORS + 2);
    let hub_dir = member_dir(root, 0);
    std::fs::create_dir_all(&hub_dir)?;
    let hub_identity = Identity::load_or_create(&hub_dir, Some("m00"))?;
    let mut hub = Library::open(&hub_dir, hub_identity.writer())?;
    let mut members = vec![(hub_dir.clone(), hub_identity.member_id())];

    // The roster: the admin, three trainers (leads), agents.
    let started = Instant::now();
    for i in 1..n {
        let dir = member_dir(root, i);
        std::fs::create_dir_all(&dir)?;
        members.push((
            dir.clone(),
            Identity::load_or_create(&dir, Some(&format!("m{i:02}")))?.member_id(),
        ));
    }
    hub.update_team("the team", |t| {
        for (i, (_, id)) in members.iter().enumerate().skip(1) {
            let role = if i <= 3 { Role::Trainer } else { Role::Agent };
            let member = crate::sync::roster_member(id, &format!("m{i:02}"), role);
            t.members.insert(id.clone(), member);
        }
        Ok(())
    })?;
    let team = hub.team_document()?;

    // Entries: each creator imports a share in their own library, then syncs it over.
    let items = crate::measure::generated_items(sizes.entries, 7)?;
    let creators = CREATORS.min(n);
    let share = sizes.entries.div_ceil(creators);
    for (c, chunk) in items.chunks(share).enumerate() {
        if c == 0 {
            hub.import(chunk.to_vec(), &mut |_, _| {})?;
            continue;
        }
        let mut lib = open(root, c, &team)?;
        lib.import(chunk.to_vec(), &mut |_, _| {})?;
        let keys: Vec<String> = lib.ids().iter().map(|id| DocKey::entry(id)).collect();
        sync(&mut lib, &mut hub, &keys)?;
    }
    let ids = hub.ids();
    if ids.len() != sizes.entries {
        bail!(
            "the hub holds {} entries, expected {}",
            ids.len(),
            sizes.entries
        );
    }
    phase(
        &format!("{} entries by {creators} creators", ids.len()),
        started,
    );

    // Teammates edit others' entries (body shares mixed) and add answers.
    let started = Instant::now();
    let mut edited = std::collections::BTreeSet::new();
    let mut answers: Vec<(String, String)> = Vec::new();
    for e in 0..EDITORS.min(n - 1) {
        let i = 1 + (creators + e) % (n - 1);
        let mut lib = open(root, i, &team)?;
        let picked: Vec<String> = (0..EDITS_EACH)
            .map(|_| ids[rng.below(ids.len())].clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let keys: Vec<String> = picked.iter().map(|id| DocKey::entry(id)).collect();
        sync(&mut hub, &mut lib, &keys)?;
        for (k, id) in picked.iter().enumerate() {
            let added = *rng.pick(&ADDED);
            let phrase = *rng.pick(&PHRASES);
            let middle = rng.below(1000);
            lib.edit(id, |entry| {
                if k % 2 == 0 {
                    entry.body.push_str(added);
                } else {
                    let at = char_boundary(&entry.body, middle);
                    entry.body.insert_str(at, phrase);
                }
                Ok(())
            })?;
            if k % 4 == 0 {
                let entry =
                    lib.contribute_answer(id, &format!("您好，{added}（m{i:02}的说法）"))?;
                if let Some(a) = entry.answers.last() {
                    answers.push((id.clone(), a.id.clone()));
                }
            }
            edited.insert(id.clone());
        }
        sync(&mut lib, &mut hub, &keys)?;
    }
    // The admin adopts two of every three answers (taken from the editors' side, so
    // nothing is derived before the first board).
    let mut adopted: BTreeMap<String, String> = BTreeMap::new();
    for (k, (entry, answer)) in answers.iter().enumerate() {
        if k % 3 != 2 {
            hub.adopt_answer(entry, answer)?;
            adopted.insert(entry.clone(), answer.clone());
        }
    }
    phase(
        &format!(
            "{} entries edited, {} answers, {} adopted",
            edited.len(),
            answers.len(),
            adopted.len()
        ),
        started,
    );

    // The blamed entry: 2,000 characters after 200 edits by several members.
    let started = Instant::now();
    let blamed = hub.add(Entry {
        body: pool_text(400, 0),
        ..Entry::new(Kind::Faq, "退换货政策总览（多人修订）")
    })?;
    let key = vec![DocKey::entry(&blamed)];
    let mut editors: Vec<Library> = (0..BLAME_EDITORS)
        .map(|k| open(root, n - 1 - k, &team))
        .collect::<Result<_>>()?;
    for editor in &mut editors {
        sync(&mut hub, editor, &key)?;
    }
    for k in 0..BLAME_EDITS {
        let lib = &mut editors[k % BLAME_EDITORS];
        sync(&mut hub, lib, &key)?;
        let at = rng.below(2_000);
        lib.edit(&blamed, |entry| {
            let len = entry.body.chars().count();
            let add = (BLAME_CHARS.saturating_sub(len))
                .div_ceil(BLAME_EDITS - k)
                .max(1);
            let text = pool_text(add, k * 37);
            if k % 3 == 2 {
                let at = char_boundary(&entry.body, at);
                entry.body.insert_str(at, &text);
            } else {
                entry.body.push_str(&text);
            }
            Ok(())
        })?;
        sync(lib, &mut hub, &key)?;
    }
    drop(editors);
    phase(
        &format!(
            "blamed entry: {} chars, {BLAME_EDITS} edits by {BLAME_EDITORS}",
            hub.get(&blamed)?.body.chars().count()
        ),
        started,
    );

    // Ledgers: each member records their year of copies in their own library.
    let started = Instant::now();
    let mut ranked = ids.clone();
    for i in (1..ranked.len()).rev() {
        ranked.swap(i, rng.below(i + 1));
    }
    let per_member = sizes.copies / n;
    for (i, (_, member)) in members.iter().enumerate() {
        let copies = year_of_copies(&mut rng, &ranked, &adopted, per_member, now_secs);
        if i == 0 {
            hub.record_copies(&copies)?;
            continue;
        }
        let mut lib = open(root, i, &team)?;
        lib.record_copies(&copies)?;
        let key = vec![DocKey::ledger(member)];
        sync(&mut lib, &mut hub, &key)?;
    }
    phase(
        &format!("{} copies in {n} ledgers, synced in", per_member * n),
        started,
    );
    Ok(Team {
        hub: hub_dir,
        members,
        blamed,
        answers: answers.len(),
        adopted: adopted.len(),
        edited: edited.len(),
    })
}

/// `count` copies over the year before `now`, oldest first: entries Zipf-like (a few
/// replies used all the time, a long tail), the adopted answer copied where there is one
/// most of the time, about a third marked solved and one in ten marked not solved.
fn year_of_copies(
    rng: &mut Rng,
    ranked: &[String],
    answers: &BTreeMap<String, String>,
    count: usize,
    now: i64,
) -> Vec<Copy> {
    let n = ranked.len() as f64;
    let mut copies: Vec<Copy> = (0..count)
        .map(|_| {
            let u = rng.below(1 << 30) as f64 / f64::from(1u32 << 30);
            let rank = ((n + 1.0).powf(u) - 1.0) as usize;
            let entry = ranked[rank.min(ranked.len() - 1)].clone();
            let answer = match answers.get(&entry) {
                Some(a) if rng.below(10) < 7 => a.clone(),
                _ => String::new(),
            };
            let solved = match rng.below(10) {
                0..=2 => Some(true),
                3 => Some(false),
                _ => None,
            };
            Copy {
                entry,
                at: now - rng.below(YEAR_SECS as usize) as i64,
                answer,
                solved,
            }
        })
        .collect();
    copies.sort_by_key(|c| c.at);
    copies
}

/// `chars` characters of Chinese text ending a sentence, from `offset` in a fixed pool.
fn pool_text(chars: usize, offset: usize) -> String {
    let pool: Vec<char> = ADDED.iter().flat_map(|s| s.chars()).collect();
    let mut text: String = (0..chars.saturating_sub(1))
        .map(|k| pool[(offset + k) % pool.len()])
        .filter(|c| *c != '。')
        .collect();
    text.push('。');
    text
}

/// The byte index of the character boundary nearest below `at` (as a character count
/// modulo the text's length).
fn char_boundary(text: &str, at: usize) -> usize {
    let len = text.chars().count().max(1);
    text.char_indices()
        .nth(at % len)
        .map_or(text.len(), |(i, _)| i)
}
