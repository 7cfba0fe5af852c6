//! Identifiers: entry ids (short, typeable) and member ids (device public keys).

use crate::{Error, Result};

/// An entry id: 1–64 characters of lowercase ASCII letters, digits, `-` and `_`.
/// Generated ids are 12 characters of Crockford base32; imported ids may be readable slugs.
pub type EntryId = String;

/// A member id: the hex public key of the member's device (or a placeholder for
/// fictional members of the demo library).
pub type MemberId = String;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh random entry id.
pub fn new_entry_id() -> EntryId {
    new_token(12)
}

/// A random token of `len` Crockford base32 characters (5 bits of entropy each).
pub fn new_token(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    // The OS random source failing is not recoverable in any useful way.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    bytes
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect()
}

/// Checks an id given by a user or an import file.
pub fn validate_entry_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "id `{id}` is not valid: use 1-64 lowercase letters, digits, `-` or `_`"
        )))
    }
}
