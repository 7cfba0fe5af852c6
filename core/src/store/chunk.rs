//! A stored chunk: automerge's bytes followed by the signatures of the changes the chunk
//! first stored (proof records, see `doc::proof`) and their count (u32, little-endian).
//! Keeping them in one value costs no second row per write, and a damaged chunk takes its
//! own signatures with it and nobody else's.

use crate::doc::proof::RECORD_LEN;

/// A chunk's stored value.
pub(super) fn join(automerge: &[u8], records: &[u8]) -> Vec<u8> {
    let count = (records.len() / RECORD_LEN) as u32;
    let mut value = Vec::with_capacity(automerge.len() + records.len() + 4);
    value.extend_from_slice(automerge);
    value.extend_from_slice(records);
    value.extend_from_slice(&count.to_le_bytes());
    value
}

/// A stored value's automerge bytes and proof records; `None` if its framing is damaged.
pub(super) fn split(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let (rest, count) = value.split_last_chunk::<4>()?;
    let len = (u32::from_le_bytes(*count) as usize).checked_mul(RECORD_LEN)?;
    let at = rest.len().checked_sub(len)?;
    Some(rest.split_at(at))
}
