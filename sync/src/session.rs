//! The session both ends of a sync stream run: Hello (team id) → the peer must be an
//! active member of our roster, else we refuse before anything else is sent → the team
//! document is synced (roster changes travel first) and the peer checked again → a digest
//! tree narrows down which documents differ → only those run automerge sync, in rounds
//! where both sides send a batch of messages and read the other's at the same time → Bye.

use std::sync::Mutex;

use iroh::endpoint::{RecvStream, SendStream};
use lore_core::Library;

use crate::SyncError;
use crate::frame::{self, Frame};
use crate::node::SyncReport;

const TEAM_KEY: &str = "team";

pub(crate) fn lock(
    library: &Mutex<Library>,
) -> Result<std::sync::MutexGuard<'_, Library>, SyncError> {
    library
        .lock()
        .map_err(|_| SyncError::Library("the library lock was poisoned".into()))
}

/// Sends a frame and counts it.
async fn say(out: &mut SendStream, frame: &Frame, sent: &mut usize) -> Result<(), SyncError> {
    *sent += frame.encode().len() + 4;
    frame::send(out, frame).await
}

/// Both sides run this on their end of the stream. `ours`: where this node listens, for
/// the Hello; `dialled`: whether this side opened the stream.
pub(crate) async fn session(
    library: &Mutex<Library>,
    peer: &str,
    ours: &[String],
    dialled: bool,
    out: &mut SendStream,
    inp: &mut RecvStream,
) -> Result<SyncReport, SyncError> {
    let peer = peer.to_string();
    let mut report = SyncReport {
        peer: peer.clone(),
        ..SyncReport::default()
    };
    let result = run(library, &peer, ours, dialled, out, inp, &mut report).await;
    if let Err(e) = &result
        && !matches!(e, SyncError::Busy)
        && !matches!(e, SyncError::Refused(r) if r.starts_with("the peer refused"))
    {
        // Tell the peer why; what was stored before stays.
        let _ = frame::send(out, &Frame::Refuse(e.to_string())).await;
    }
    let _ = out.finish();
    result.map(|()| report)
}

async fn run(
    library: &Mutex<Library>,
    peer: &str,
    ours: &[String],
    dialled: bool,
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let (team, team_heads, documents) = {
        let mut lib = lock(library)?;
        let digest = lib.digest()?;
        (
            lib.team()?,
            digest.get(TEAM_KEY).cloned().unwrap_or_default(),
            digest.len() as u64,
        )
    };
    let hello = Frame::Hello {
        team: team.id.clone(),
        addrs: ours.to_vec(),
        team_heads: team_heads.clone(),
        documents,
    };
    if let Err(e) = say(out, &hello, &mut report.bytes_sent).await {
        // The peer may have stopped reading after saying why (busy, refused).
        return match receive(inp, &mut report.bytes_received).await {
            Err(reason @ (SyncError::Busy | SyncError::Refused(_))) => Err(reason),
            _ => Err(e),
        };
    }
    let (their_team_heads, their_documents) = match receive(inp, &mut report.bytes_received).await?
    {
        Frame::Hello {
            team: theirs,
            addrs,
            team_heads,
            documents,
        } if theirs == team.id => {
            report.peer_addrs = addrs;
            (team_heads, documents)
        }
        Frame::Hello { .. } => {
            return Err(SyncError::Refused(
                "the peer belongs to another team".into(),
            ));
        }
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Hello, got {other:?}"
            )));
        }
    };
    check_member(library, peer)?;
    // The team document first: roster changes (a removal, a new role) apply before content.
    if their_team_heads != team_heads {
        exchange(library, peer, &[TEAM_KEY.to_string()], out, inp, report).await?;
        check_member(library, peer)?;
    }
    let (digest, keys) =
        differing_documents(library, documents.max(their_documents), out, inp, report).await?;
    exchange(library, peer, &keys, out, inp, report).await?;
    report.documents += keys.len();
    // The last exchange is ordered: the dialling side says Bye, the accepting side reads it
    // and answers Bye as its last act, and the dialling side closes only after reading
    // that. So both know the session is over, and neither leaves a frame unread.
    let mut sent = 0;
    let mut got = 0;
    let theirs = if dialled {
        say(out, &Frame::Bye, &mut sent).await?;
        receive(inp, &mut got).await?
    } else {
        let theirs = receive(inp, &mut got).await?;
        say(out, &Frame::Bye, &mut sent).await?;
        theirs
    };
    report.bytes_sent += sent;
    report.bytes_received += got;
    match theirs {
        Frame::Bye => {
            // What both sides had the same at the start, they share.
            lock(library)?.mark_in_sync(peer, &digest, &keys)?;
            Ok(())
        }
        other => Err(SyncError::Malformed(format!("expected Bye, got {other:?}"))),
    }
}

async fn receive(inp: &mut RecvStream, received: &mut usize) -> Result<Frame, SyncError> {
    let frame = frame::receive(inp).await?;
    *received += frame.encode().len() + 4;
    match frame {
        Frame::Refuse(reason) => Err(SyncError::Refused(format!("the peer refused: {reason}"))),
        Frame::Busy => Err(SyncError::Busy),
        frame => Ok(frame),
    }
}

/// The peer must be on our roster and not removed.
fn check_member(library: &Mutex<Library>, peer: &str) -> Result<(), SyncError> {
    let team = lock(library)?.team()?;
    match team.members.get(peer) {
        Some(m) if !m.removed => Ok(()),
        Some(_) => Err(SyncError::Refused(format!(
            "{peer} was removed from the team"
        ))),
        None => Err(SyncError::Refused(format!(
            "{peer} is not a member of the team"
        ))),
    }
}

/// Both sides send a frame and read the other's at once.
async fn swap(
    out: &mut SendStream,
    inp: &mut RecvStream,
    ours: &Frame,
    report: &mut SyncReport,
) -> Result<Frame, SyncError> {
    let mut sent = 0;
    let mut got = 0;
    let (sending, receiving) = tokio::join!(say(out, ours, &mut sent), receive(inp, &mut got));
    report.bytes_sent += sent;
    report.bytes_received += got;
    sending?;
    receiving
}

/// Children per node of the digest tree (4 bits of a key's hash per level).
const FANOUT: u64 = 16;
/// The most levels of the digest tree (16^4 = 65,536 leaves: a handful of documents each
/// in a library of 100,000).
const MAX_LEVELS: u32 = 4;

/// Levels enough for about four documents per leaf in the larger of the two libraries
/// (both sides compute the same from the counts in their Hellos).
fn levels_for(documents: u64) -> u32 {
    (1..MAX_LEVELS)
        .find(|&l| FANOUT.pow(l) * 4 >= documents)
        .unwrap_or(MAX_LEVELS)
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv64(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The leaf of a digest tree of `levels` a document key falls in.
fn leaf(key: &str, levels: u32) -> u64 {
    fnv64(key.bytes(), FNV_START) % FANOUT.pow(levels)
}

/// Finds the documents whose heads differ by walking the digest tree together: at each
/// level both sides send the hashes of the children of the nodes that still differ, so the
/// bytes grow with how much differs, not with the library. At the leaves that differ, the
/// documents' heads are compared.
async fn differing_documents(
    library: &Mutex<Library>,
    documents: u64,
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(lore_core::Digest, Vec<String>), SyncError> {
    let levels = levels_for(documents);
    let digest = lock(library)?.digest()?;
    let leaves: Vec<(u64, &String, &Vec<u8>)> = digest
        .iter()
        .map(|(k, v)| (leaf(k, levels), k, v))
        .collect();
    // Nodes that still differ at the level above; the root, to begin with.
    let mut differing: Vec<u64> = vec![0];
    for level in 1..=levels {
        let children: Vec<u64> = differing
            .iter()
            .flat_map(|&parent| (0..FANOUT).map(move |c| parent * FANOUT + c))
            .collect();
        let mut hashes = vec![FNV_START; children.len()];
        for (l, k, v) in &leaves {
            let node = l / FANOUT.pow(levels - level);
            if let Ok(i) = children.binary_search(&node) {
                hashes[i] = fnv64(k.bytes().chain([0]).chain(v.iter().copied()), hashes[i]);
            }
        }
        let theirs = match swap(out, inp, &Frame::Hashes(hashes.clone()), report).await? {
            Frame::Hashes(h) if h.len() == hashes.len() => h,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected {} digest hashes, got {other:?}",
                    hashes.len()
                )));
            }
        };
        differing = children
            .iter()
            .zip(hashes.iter().zip(&theirs))
            .filter(|(_, (a, b))| a != b)
            .map(|(node, _)| *node)
            .collect();
        if differing.is_empty() {
            return Ok((digest, Vec::new()));
        }
    }
    let ours: lore_core::Digest = leaves
        .iter()
        .filter(|(l, _, _)| differing.binary_search(l).is_ok())
        .map(|(_, k, v)| ((*k).clone(), (*v).clone()))
        .collect();
    let theirs = match swap(out, inp, &Frame::Digest(ours.clone()), report).await? {
        Frame::Digest(d) => d,
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Digest, got {other:?}"
            )));
        }
    };
    if theirs
        .keys()
        .any(|k| differing.binary_search(&leaf(k, levels)).is_err())
    {
        return Err(SyncError::Malformed(
            "a digest entry outside the leaves asked for".into(),
        ));
    }
    let mut keys: Vec<String> = ours
        .iter()
        .filter(|(k, h)| theirs.get(*k) != Some(*h))
        .map(|(k, _)| k.clone())
        .chain(theirs.keys().filter(|k| !ours.contains_key(*k)).cloned())
        .collect();
    keys.sort();
    keys.dedup();
    Ok((digest, keys))
}

/// Documents synced together: all rounds of one window run before the next, so each
/// document is loaded once (it stays in the library's cache) and a frame stays small.
const WINDOW: usize = 500;

/// Rounds of sync messages for `keys`, a window at a time, until neither side has
/// anything to say. Both sides hold the same sorted keys, so their windows match.
async fn exchange(
    library: &Mutex<Library>,
    peer: &str,
    keys: &[String],
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    for window in keys.chunks(WINDOW) {
        rounds(library, peer, window, out, inp, report).await?;
    }
    Ok(())
}

/// Rounds of sync messages for `keys` until neither side has anything to say.
async fn rounds(
    library: &Mutex<Library>,
    peer: &str,
    keys: &[String],
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let mut session = lock(library)?.begin_sync(peer);
    loop {
        let mut batch = Vec::new();
        {
            let mut lib = lock(library)?;
            for key in keys {
                if let Some(message) = lib.sync_message(&mut session, key)? {
                    batch.push((key.clone(), message));
                }
            }
        }
        let ours_empty = batch.is_empty();
        let mut sent = 0;
        let mut got = 0;
        let ours = Frame::Batch(batch);
        // Both sides send and read at once: neither can block the other on flow control.
        let (sending, receiving) = tokio::join!(say(out, &ours, &mut sent), receive(inp, &mut got));
        report.bytes_sent += sent;
        report.bytes_received += got;
        sending?;
        let theirs = match receiving? {
            Frame::Batch(items) => items,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected a Batch, got {other:?}"
                )));
            }
        };
        let theirs_empty = theirs.is_empty();
        if let Some((key, _)) = theirs.iter().find(|(k, _)| !keys.contains(k)) {
            return Err(SyncError::Malformed(format!(
                "a message for {key}, which is not being synced"
            )));
        }
        // One durable transaction for the whole round.
        lock(library)?.receive_batch(&mut session, &theirs)?;
        if ours_empty && theirs_empty {
            return Ok(());
        }
    }
}
