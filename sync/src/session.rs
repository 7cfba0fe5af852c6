//! The session both ends of a sync stream run: Hello (team id) → the peer must be an
//! active member of our roster, else we refuse before anything else is sent → the team
//! document is synced (roster changes travel first) and the peer checked again → a digest
//! tree narrows down which documents differ → only those run automerge sync, in rounds
//! where both sides send a batch of messages and read the other's at the same time → Bye.
//!
//! A session knows one stream and the library; connections and peers are the node's.

use std::sync::Mutex;

use iroh::endpoint::{RecvStream, SendStream};
use lore_core::{DocKey, Library};
use tracing::debug;

use crate::digest::{self, Walk};
use crate::error::{Refusal, SyncError};
use crate::frame::{self, Frame};
use crate::library::lock;

/// What one session did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The peer's member id.
    pub peer: String,
    /// Where the peer says it listens (its Hello).
    pub peer_addrs: Vec<String>,
    /// Documents that differed and were synced (the team document included).
    pub documents: usize,
    /// Changes received, each checked against its author's signature and the roster.
    pub changes: usize,
    /// Bytes of frames sent.
    pub bytes_sent: usize,
    /// Bytes of frames received.
    pub bytes_received: usize,
    /// The digest tree was walked to find what differs (a first session, or much
    /// changed); otherwise both sides said what changed since they last agreed.
    pub walked: bool,
    /// Documents that travelled whole, in bulk, to the side that held next to nothing
    /// (counted by both sides; none for a session between peers who both hold a library).
    pub whole: usize,
}

/// The most documents a side lists as changed; with more, the digest tree finds them.
const LIVE_MOST: usize = 256;

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
        && !matches!(e, SyncError::Busy | SyncError::RefusedByPeer { .. })
    {
        // Tell the peer why; what was stored before stays. The stream may be broken
        // already (that may be the error), so the peer not hearing it is no news.
        if let Err(unsent) = frame::send(out, &Frame::Refuse(e.chain().to_string())).await {
            debug!(
                "could not tell the peer why the session ended: {}",
                unsent.chain()
            );
        }
    }
    if let Err(e) = out.finish() {
        debug!("the stream was closed before the session finished it: {e}");
    }
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
            digest.get(DocKey::TEAM).cloned().unwrap_or_default(),
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
            Err(reason @ (SyncError::Busy | SyncError::RefusedByPeer { .. })) => Err(reason),
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
        Frame::Hello { .. } => return Err(SyncError::Refused(Refusal::OtherTeam)),
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Hello, got {other:?}"
            )));
        }
    };
    check_member(library, peer)?;
    // The team document first: roster changes (a removal, a new role) apply before content.
    if their_team_heads != team_heads {
        exchange(library, peer, &[DocKey::TEAM.to_string()], out, inp, report).await?;
        check_member(library, peer)?;
    }
    // A member who holds next to nothing takes the library whole, in bulk; whatever
    // differs after (changes made meanwhile, the newcomer's own) is synced as usual.
    if takes_whole(documents, their_documents) {
        take_whole(library, peer, inp, report).await?;
    } else if takes_whole(their_documents, documents) {
        give_whole(library, out, report).await?;
    }
    // What changed on either side since the last session agreed is what differs: a live
    // edit sends its documents' sync messages, then one hash of the whole library. When
    // either side cannot say (never synced with the other, or a lot changed), or the
    // hashes differ after, the digest tree finds what differs.
    let changed = lock(library)?.changed_for(peer, LIVE_MOST)?;
    let theirs = match swap(out, inp, &Frame::Changed(changed.clone()), report).await? {
        Frame::Changed(keys) => keys,
        other => {
            return Err(SyncError::Malformed(format!(
                "expected the changed documents, got {other:?}"
            )));
        }
    };
    let live = match (changed, theirs) {
        (Some(ours), Some(theirs)) if theirs.len() <= LIVE_MOST => {
            let mut keys: Vec<String> = ours.into_iter().chain(theirs).collect();
            keys.retain(|k| k != DocKey::TEAM);
            keys.sort();
            keys.dedup();
            Some(keys)
        }
        _ => None,
    };
    let mut agreed = None;
    if let Some(keys) = &live {
        exchange(library, peer, keys, out, inp, report).await?;
        report.documents += keys.len();
        // The records said what changed; one hash of everything checks they were right
        // (a peer restored from a backup, or a change that arrived meanwhile, is not in
        // them), else the digest tree finds the rest.
        let digest = lock(library)?.digest()?;
        let ours = digest::total(&digest);
        match swap(out, inp, &Frame::Hashes(vec![ours]), report).await? {
            Frame::Hashes(theirs) if theirs == [ours] => agreed = Some(digest),
            Frame::Hashes(_) => {}
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected the library's hash, got {other:?}"
                )));
            }
        }
    }
    let (digest, keys) = match agreed {
        // Everything is the same on both sides: all of it is shared.
        Some(digest) => (digest, Vec::new()),
        None => {
            report.walked = true;
            let (digest, keys) =
                differing_documents(library, documents.max(their_documents), out, inp, report)
                    .await?;
            exchange(library, peer, &keys, out, inp, report).await?;
            report.documents += keys.len();
            (digest, keys)
        }
    };
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

/// Whether a side holding `ours` documents takes the library whole from one holding
/// `theirs` (both sides decide alike from the counts in their Hellos).
fn takes_whole(ours: u64, theirs: u64) -> bool {
    ours <= NEXT_TO_NOTHING && theirs >= WORTH_A_BULK
}

/// A library of at most this many documents (its team document, its member's ledger, a
/// few more) holds next to nothing.
const NEXT_TO_NOTHING: u64 = 4;
/// From this many documents a peer's library travels in bulk to one that holds next to
/// nothing.
const WORTH_A_BULK: u64 = 32;
/// Whole documents per frame.
const WHOLE_FRAME: usize = 256;

/// Sends every document but the team's whole, a frame at a time, then an empty frame.
async fn give_whole(
    library: &Mutex<Library>,
    out: &mut SendStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let keys = lock(library)?.whole_keys()?;
    for keys in keys.chunks(WHOLE_FRAME) {
        let whole = lock(library)?.whole_documents(keys)?;
        report.whole += whole.len();
        say(out, &Frame::Whole(whole), &mut report.bytes_sent).await?;
    }
    say(out, &Frame::Whole(Vec::new()), &mut report.bytes_sent).await
}

/// Takes whole documents until the empty frame: each frame checked and stored on its own
/// (a refused one ends the session, and what came before it stays).
async fn take_whole(
    library: &Mutex<Library>,
    peer: &str,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    loop {
        let whole = match receive(inp, &mut report.bytes_received).await? {
            Frame::Whole(whole) if whole.is_empty() => return Ok(()),
            Frame::Whole(whole) => whole,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected whole documents, got {other:?}"
                )));
            }
        };
        report.changes += lock(library)?.receive_whole(peer, &whole)?.changes;
        report.whole += whole.len();
        report.documents += whole.len();
    }
}

async fn receive(inp: &mut RecvStream, received: &mut usize) -> Result<Frame, SyncError> {
    let frame = frame::receive(inp).await?;
    *received += frame.encode().len() + 4;
    match frame {
        Frame::Refuse(reason) => Err(SyncError::RefusedByPeer { reason }),
        Frame::Busy => Err(SyncError::Busy),
        frame => Ok(frame),
    }
}

/// The peer must be on our roster and not removed.
fn check_member(library: &Mutex<Library>, peer: &str) -> Result<(), SyncError> {
    let team = lock(library)?.team()?;
    match team.members.get(peer) {
        Some(m) if !m.removed => Ok(()),
        Some(_) => Err(SyncError::Refused(Refusal::Removed(peer.to_string()))),
        None => Err(SyncError::Refused(Refusal::NotAMember(peer.to_string()))),
    }
}

/// Both sides send a frame and read the other's at once: neither can block the other on
/// flow control.
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

/// Finds the documents whose heads differ by walking the digest tree (see `digest`) with
/// the peer: each level's hashes are swapped, then the heads in the leaves that differ.
/// Returns the whole digest too, for recording what both sides share.
async fn differing_documents(
    library: &Mutex<Library>,
    documents: u64,
    out: &mut SendStream,
    inp: &mut RecvStream,
    report: &mut SyncReport,
) -> Result<(lore_core::Digest, Vec<String>), SyncError> {
    let digest = lock(library)?.digest()?;
    let mut walk = Walk::new(&digest, documents);
    while let Some(level) = walk.next_level() {
        let theirs = match swap(out, inp, &Frame::Hashes(level.hashes.clone()), report).await? {
            Frame::Hashes(h) => h,
            other => {
                return Err(SyncError::Malformed(format!(
                    "expected {} digest hashes, got {other:?}",
                    level.hashes.len()
                )));
            }
        };
        walk.compare(level, &theirs)?;
    }
    if walk.is_equal() {
        return Ok((digest, Vec::new()));
    }
    let ours = walk.leaf_digest();
    let theirs = match swap(out, inp, &Frame::Digest(ours.clone()), report).await? {
        Frame::Digest(d) => d,
        other => {
            return Err(SyncError::Malformed(format!(
                "expected Digest, got {other:?}"
            )));
        }
    };
    let keys = walk.differing_documents(&ours, &theirs)?;
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
        let theirs = match swap(out, inp, &Frame::Batch(batch), report).await? {
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
        report.changes += lock(library)?.receive_batch(&mut session, &theirs)?.changes;
        if ours_empty && theirs_empty {
            return Ok(());
        }
    }
}
