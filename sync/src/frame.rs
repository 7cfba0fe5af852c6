//! The wire format of Lore's two protocols (sync and join): their ALPNs, the codes a
//! connection closes with, and length-prefixed frames with a size limit in a small binary
//! codec that checks every length it reads.

use std::collections::BTreeMap;

use iroh::endpoint::{RecvStream, SendStream};

use crate::error::SyncError;

/// The ALPN of the Lore sync protocol.
pub const ALPN: &[u8] = b"lore/sync/3";
/// The ALPN on which a new member presents an invite.
pub const JOIN_ALPN: &[u8] = b"lore/join/1";
/// The ALPN of the team's news (iroh-gossip under Lore's own name, members only).
pub const NEWS_ALPN: &[u8] = b"lore/news/1";

/// The node stopped, or a join is over.
pub(crate) const CLOSE_DONE: u32 = 0;
/// Another connection with the same peer stays instead of this one.
pub(crate) const CLOSE_DUPLICATE: u32 = 1;
/// The peer broke the protocol.
pub(crate) const CLOSE_PROTOCOL: u32 = 2;
/// The peer was refused.
pub(crate) const CLOSE_REFUSED: u32 = 3;

/// The largest frame a peer may send; a larger one closes the connection.
pub const MAX_FRAME: usize = 32 * 1024 * 1024;

/// How much of a frame's body is read (and allocated) at a time.
const READ_PIECE: usize = 64 * 1024;

/// One message of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// The first frame: which team this library belongs to, where the sender listens, the
    /// heads of its team document and how many documents it holds.
    Hello {
        /// The team's id.
        team: String,
        /// Where the sender listens: socket addresses, then relay URLs.
        addrs: Vec<String>,
        /// The heads of the sender's team document.
        team_heads: Vec<u8>,
        /// How many documents the sender holds (sizes the digest tree).
        documents: u64,
    },
    /// Document key → heads, to find what differs.
    Digest(BTreeMap<String, Vec<u8>>),
    /// One round of automerge sync messages, by document key (empty: nothing to say).
    Batch(Vec<(String, Vec<u8>)>),
    /// The sender is done.
    Bye,
    /// The sender refuses to go on, and why.
    Refuse(String),
    /// A new member presents an invite: team id, secret, role, display name.
    Join {
        /// The ticket's team id.
        team: String,
        /// The ticket's secret.
        secret: String,
        /// The ticket's role.
        role: String,
        /// The new member's display name.
        name: String,
    },
    /// The invite was accepted: the team document.
    Welcome(Vec<u8>),
    /// Digest bucket hashes, to narrow down which documents differ.
    Hashes(Vec<u64>),
    /// A session with the sender is already under way; try again when it ends.
    Busy,
    /// The documents whose heads changed on the sender since the last session with the
    /// receiver agreed on them; none: the sender cannot say (never synced, or too many),
    /// so the digest tree finds them.
    Changed(Option<Vec<String>>),
    /// Whole documents for a member who holds next to nothing, by key: each as stored,
    /// sealed with its changes' signatures (empty: the last of them was sent).
    Whole(Vec<(String, Vec<u8>)>),
    /// News of changes, announced to the team over gossip (never on a sync stream): by
    /// document key, the changes it gained, sealed with their signatures.
    News(Vec<(String, Vec<u8>)>),
    /// A neighbour on the team's topic saying it is there (over gossip, to its direct
    /// neighbours only); `ask`: each neighbour is to say so too (see `roll`).
    Here {
        /// Asks the neighbours to answer.
        ask: bool,
    },
}

const HELLO: u8 = 1;
const DIGEST: u8 = 2;
const BATCH: u8 = 3;
const BYE: u8 = 4;
const REFUSE: u8 = 5;
const JOIN: u8 = 6;
const WELCOME: u8 = 7;
const HASHES: u8 = 8;
const BUSY: u8 = 9;
const CHANGED: u8 = 10;
const WHOLE: u8 = 11;
const NEWS: u8 = 12;
const HERE: u8 = 13;

impl Frame {
    /// The frame as bytes (without the length prefix).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Frame::Hello {
                team,
                addrs,
                team_heads,
                documents,
            } => {
                out.push(HELLO);
                put(&mut out, team.as_bytes());
                out.extend_from_slice(&(addrs.len() as u32).to_be_bytes());
                for a in addrs {
                    put(&mut out, a.as_bytes());
                }
                put(&mut out, team_heads);
                out.extend_from_slice(&documents.to_be_bytes());
            }
            Frame::Digest(map) => {
                out.push(DIGEST);
                put_pairs(
                    &mut out,
                    map.len(),
                    map.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                );
            }
            Frame::Batch(items) | Frame::Whole(items) | Frame::News(items) => {
                out.push(match self {
                    Frame::Batch(_) => BATCH,
                    Frame::Whole(_) => WHOLE,
                    _ => NEWS,
                });
                put_pairs(
                    &mut out,
                    items.len(),
                    items.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                );
            }
            Frame::Here { ask } => {
                out.push(HERE);
                out.push(u8::from(*ask));
            }
            Frame::Bye => out.push(BYE),
            Frame::Busy => out.push(BUSY),
            Frame::Refuse(reason) => {
                out.push(REFUSE);
                put(&mut out, reason.as_bytes());
            }
            Frame::Join {
                team,
                secret,
                role,
                name,
            } => {
                out.push(JOIN);
                for s in [team, secret, role, name] {
                    put(&mut out, s.as_bytes());
                }
            }
            Frame::Welcome(team) => {
                out.push(WELCOME);
                put(&mut out, team);
            }
            Frame::Changed(keys) => {
                out.push(CHANGED);
                match keys {
                    None => out.push(0),
                    Some(keys) => {
                        out.push(1);
                        out.extend_from_slice(&(keys.len() as u32).to_be_bytes());
                        for k in keys {
                            put(&mut out, k.as_bytes());
                        }
                    }
                }
            }
            Frame::Hashes(hashes) => {
                out.push(HASHES);
                out.extend_from_slice(&(hashes.len() as u32).to_be_bytes());
                for h in hashes {
                    out.extend_from_slice(&h.to_be_bytes());
                }
            }
        }
        out
    }

    /// Parses a frame; anything malformed is an error naming what.
    pub fn decode(bytes: &[u8]) -> Result<Frame, SyncError> {
        let mut r = Reader { bytes, at: 0 };
        let frame = match r.byte()? {
            HELLO => {
                let team = r.string()?;
                let n = r.count()?;
                let addrs = (0..n).map(|_| r.string()).collect::<Result<_, _>>()?;
                let team_heads = r.bytes()?.to_vec();
                let raw = r.take(8)?;
                let documents = u64::from_be_bytes([
                    raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                ]);
                Frame::Hello {
                    team,
                    addrs,
                    team_heads,
                    documents,
                }
            }
            DIGEST => {
                let n = r.count()?;
                let mut map = BTreeMap::new();
                for _ in 0..n {
                    let k = r.string()?;
                    map.insert(k, r.bytes()?.to_vec());
                }
                Frame::Digest(map)
            }
            kind @ (BATCH | WHOLE | NEWS) => {
                let n = r.count()?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let k = r.string()?;
                    items.push((k, r.bytes()?.to_vec()));
                }
                match kind {
                    BATCH => Frame::Batch(items),
                    WHOLE => Frame::Whole(items),
                    _ => Frame::News(items),
                }
            }
            HERE => match r.byte()? {
                0 => Frame::Here { ask: false },
                1 => Frame::Here { ask: true },
                other => {
                    return Err(SyncError::Malformed(format!(
                        "a Here frame marked {other}, not 0 or 1"
                    )));
                }
            },
            BYE => Frame::Bye,
            BUSY => Frame::Busy,
            REFUSE => Frame::Refuse(r.string()?),
            JOIN => Frame::Join {
                team: r.string()?,
                secret: r.string()?,
                role: r.string()?,
                name: r.string()?,
            },
            WELCOME => Frame::Welcome(r.bytes()?.to_vec()),
            CHANGED => match r.byte()? {
                0 => Frame::Changed(None),
                1 => {
                    let n = r.count()?;
                    let keys = (0..n).map(|_| r.string()).collect::<Result<_, _>>()?;
                    Frame::Changed(Some(keys))
                }
                other => {
                    return Err(SyncError::Malformed(format!(
                        "a Changed frame marked {other}, not 0 or 1"
                    )));
                }
            },
            HASHES => {
                let n = r.count()?;
                let raw = r.take(
                    n.checked_mul(8)
                        .ok_or_else(|| SyncError::Malformed("too many hashes".into()))?,
                )?;
                Frame::Hashes(
                    raw.chunks_exact(8)
                        .map(|c| {
                            u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                        })
                        .collect(),
                )
            }
            other => return Err(SyncError::Malformed(format!("unknown frame type {other}"))),
        };
        if r.at != bytes.len() {
            return Err(SyncError::Malformed("trailing bytes after a frame".into()));
        }
        Ok(frame)
    }
}

/// A count, then each (key, bytes) pair.
fn put_pairs<'a>(
    out: &mut Vec<u8>,
    count: usize,
    pairs: impl Iterator<Item = (&'a str, &'a [u8])>,
) {
    out.extend_from_slice(&(count as u32).to_be_bytes());
    for (k, v) in pairs {
        put(out, k.as_bytes());
        put(out, v);
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SyncError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| {
                SyncError::Malformed(format!(
                    "a frame ends early (needs {n} more bytes at {})",
                    self.at
                ))
            })?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn byte(&mut self) -> Result<u8, SyncError> {
        Ok(self.take(1)?[0])
    }
    fn count(&mut self) -> Result<usize, SyncError> {
        let raw = self.take(4)?;
        let n = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
        // Every item takes at least 8 bytes; a larger count is a lie.
        if n > self.bytes.len() / 8 + 1 {
            return Err(SyncError::Malformed(format!(
                "a count of {n} items cannot fit the frame"
            )));
        }
        Ok(n)
    }
    fn bytes(&mut self) -> Result<&'a [u8], SyncError> {
        let raw = self.take(4)?;
        let n = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
        self.take(n)
    }
    fn string(&mut self) -> Result<String, SyncError> {
        let raw = self.bytes()?;
        String::from_utf8(raw.to_vec())
            .map_err(|_| SyncError::Malformed("a text that is not UTF-8".into()))
    }
}

/// Writes one frame.
pub async fn send(stream: &mut SendStream, frame: &Frame) -> Result<(), SyncError> {
    let body = frame.encode();
    if body.len() > MAX_FRAME {
        return Err(SyncError::Malformed(format!(
            "a frame of {} bytes is over the limit",
            body.len()
        )));
    }
    stream
        .write_all(&(body.len() as u32).to_be_bytes())
        .await
        .map_err(|e| SyncError::Connection(Box::new(e)))?;
    stream
        .write_all(&body)
        .await
        .map_err(|e| SyncError::Connection(Box::new(e)))?;
    Ok(())
}

/// Reads one frame; an oversized or malformed one is an error (the caller closes).
pub async fn receive(stream: &mut RecvStream) -> Result<Frame, SyncError> {
    let mut len = [0u8; 4];
    stream
        .read_exact(&mut len)
        .await
        .map_err(|e| SyncError::Connection(Box::new(e)))?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(SyncError::Malformed(format!(
            "a frame of {len} bytes is over the {MAX_FRAME}-byte limit"
        )));
    }
    // The body grows as it arrives: a peer that announces a large frame and sends nothing
    // makes this node reserve one piece, not the whole announced size.
    let mut body = Vec::with_capacity(len.min(READ_PIECE));
    while body.len() < len {
        let start = body.len();
        body.resize(start + (len - start).min(READ_PIECE), 0);
        stream
            .read_exact(&mut body[start..])
            .await
            .map_err(|e| SyncError::Connection(Box::new(e)))?;
    }
    Frame::decode(&body)
}
