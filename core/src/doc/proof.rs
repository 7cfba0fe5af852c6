//! Proof of authorship: every automerge change is signed with its author's ed25519 device
//! key, the key whose public half is the member id.
//!
//! An actor id is the author's 32-byte public key followed by 16 random bytes, so the
//! member a change claims is part of the change itself (and of its hash): no separate
//! binding exists that a peer could forge or squat. A signature covers the document key
//! and the change hash; the hash covers the change's bytes and, through its dependencies,
//! everything it was made on top of.

use std::collections::HashMap;

use automerge::{ActorId, ChangeHash};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::model::MemberId;

/// A change's signature (ed25519, 64 bytes).
pub type Seal = [u8; 64];

/// The proofs of a document's changes: change hash → its author's signature.
pub type Proofs = HashMap<ChangeHash, Seal>;

/// Signatures as they travel or are stored: (change hash, signature).
pub type SealList = Vec<(ChangeHash, Seal)>;

/// Starts every stored proof record: lets a damaged database be searched for them.
pub const RECORD_MAGIC: &[u8; 4] = b"LPf1";
/// One stored proof record: magic, change hash, signature.
pub const RECORD_LEN: usize = 4 + 32 + 64;

/// The random part of an actor id after the author's key.
const ACTOR_SUFFIX: usize = 16;

/// A fresh actor id for the member with public key `key`.
pub(crate) fn actor_for(key: &VerifyingKey) -> ActorId {
    let mut bytes = key.as_bytes().to_vec();
    let mut suffix = [0u8; ACTOR_SUFFIX];
    getrandom::fill(&mut suffix).expect("the operating system's random source is unavailable");
    bytes.extend_from_slice(&suffix);
    ActorId::from(bytes)
}

/// The member an actor id names (hex public key), if it is an actor id Lore makes.
pub fn member_of_actor(actor: &ActorId) -> Option<MemberId> {
    let bytes = actor.to_bytes();
    (bytes.len() == 32 + ACTOR_SUFFIX).then(|| hex(&bytes[..32]))
}

/// Whether every change of a single-writer document (a ledger) is by `owner` and has its
/// signature on record: a ledger showing another author is not read for anything that
/// credits or counts.
pub fn written_only_by(doc: &mut automerge::AutoCommit, proofs: &Proofs, owner: &str) -> bool {
    doc.get_changes_meta(&[]).iter().all(|c| {
        member_of_actor(&c.actor).as_deref() == Some(owner) && proofs.contains_key(&c.hash)
    })
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The public key of a member id (hex), if it is one.
fn key_of(member: &str) -> Option<VerifyingKey> {
    if member.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(member.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    VerifyingKey::from_bytes(&bytes).ok()
}

/// What a signature covers: a domain tag, the document key and the change hash.
fn signed_bytes(doc_key: &str, hash: &ChangeHash) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16 + doc_key.len() + 32);
    bytes.extend_from_slice(b"lore/change/1\0");
    bytes.extend_from_slice(doc_key.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&hash.0);
    bytes
}

/// Signs change `hash` of document `doc_key`.
pub fn sign(key: &SigningKey, doc_key: &str, hash: &ChangeHash) -> Seal {
    key.sign(&signed_bytes(doc_key, hash)).to_bytes()
}

/// Checks that `seal` is `member`'s signature of change `hash` of document `doc_key`.
pub fn verify(member: &str, doc_key: &str, hash: &ChangeHash, seal: &Seal) -> Result<(), String> {
    let key = key_of(member).ok_or_else(|| format!("{member} is not a member key"))?;
    key.verify(&signed_bytes(doc_key, hash), &Signature::from_bytes(seal))
        .map_err(|_| format!("the signature of change {hash} is not {}'s", short(member)))
}

/// The first characters of a member id, for messages.
pub(crate) fn short(member: &str) -> &str {
    member.get(..10).unwrap_or(member)
}

/// Proof records as stored: [`RECORD_MAGIC`], hash, signature, one after another.
pub(crate) fn encode_records<'a>(
    proofs: impl IntoIterator<Item = (&'a ChangeHash, &'a Seal)>,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (hash, seal) in proofs {
        bytes.extend_from_slice(RECORD_MAGIC);
        bytes.extend_from_slice(&hash.0);
        bytes.extend_from_slice(seal);
    }
    bytes
}

/// Reads stored proof records; `None` if the bytes are not a whole number of records.
pub fn decode_records(bytes: &[u8]) -> Option<SealList> {
    if !bytes.len().is_multiple_of(RECORD_LEN) {
        return None;
    }
    bytes
        .chunks_exact(RECORD_LEN)
        .map(|r| {
            if &r[..4] != RECORD_MAGIC {
                return None;
            }
            let hash = ChangeHash(r[4..36].try_into().ok()?);
            let seal: Seal = r[36..].try_into().ok()?;
            Some((hash, seal))
        })
        .collect()
}

/// The version byte of a signed sync message.
const ENVELOPE_V1: u8 = 1;

/// A sync message as it travels: the proofs of the changes it carries, then automerge's
/// message. Layout: version (1 byte), proof count (u32 LE), count × (hash, signature),
/// the message.
pub fn seal_message(proofs: &[(ChangeHash, Seal)], message: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(5 + proofs.len() * 96 + message.len());
    bytes.push(ENVELOPE_V1);
    bytes.extend_from_slice(&(proofs.len() as u32).to_le_bytes());
    for (hash, seal) in proofs {
        bytes.extend_from_slice(&hash.0);
        bytes.extend_from_slice(seal);
    }
    bytes.extend_from_slice(message);
    bytes
}

/// Splits a signed sync message into its proofs and automerge's message, checking every
/// length against what is there.
pub fn open_message(bytes: &[u8]) -> Result<(SealList, &[u8]), String> {
    let (&version, rest) = bytes.split_first().ok_or("an empty message")?;
    if version != ENVELOPE_V1 {
        return Err(format!("unknown message version {version}"));
    }
    let count = rest
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or("a message cut short in its proof count")? as usize;
    let rest = &rest[4..];
    let proofs_len = count
        .checked_mul(96)
        .filter(|len| *len <= rest.len())
        .ok_or_else(|| format!("a message claiming {count} proofs in {} bytes", rest.len()))?;
    let proofs = rest[..proofs_len]
        .chunks_exact(96)
        .map(|p| {
            let mut hash = [0u8; 32];
            hash.copy_from_slice(&p[..32]);
            let mut seal = [0u8; 64];
            seal.copy_from_slice(&p[32..]);
            (ChangeHash(hash), seal)
        })
        .collect();
    Ok((proofs, &rest[proofs_len..]))
}
