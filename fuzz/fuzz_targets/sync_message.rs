//! A sync message as a peer sends it inside a `Batch` frame, taken in the way lore-core's
//! `Library::receive_batch` takes it: the signed envelope opened
//! (`lore_core::doc::proof::open_message`: the signatures, then automerge's message), the
//! message decoded with `automerge::sync::Message::decode`, then applied to a fork of a
//! document under that peer's sync state. No step may panic on hostile bytes.

#![no_main]

use automerge::sync::{Message, State, SyncDoc as _};
use automerge::{AutoCommit, TextEncoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok((_seals, message)) = lore_core::doc::proof::open_message(bytes) else {
        return;
    };
    let Ok(message) = Message::decode(message) else {
        return;
    };
    // A document this library does not have yet (a peer's new entry), in the text encoding
    // lore-core's documents use, forked as `Library::receive_batch` forks before it checks
    // the changes.
    let mut before = AutoCommit::new_with_encoding(TextEncoding::Utf8CodeUnit);
    let mut after = before.fork();
    let mut state = State::new();
    if after
        .sync()
        .receive_sync_message(&mut state, message)
        .is_ok()
    {
        // What lore-core then reads of the result: the changes the message added.
        let _ = before.get_changes_added(&mut after);
    }
});
