//! A piece of news as a teammate's gossip delivers it, one document's part taken in the
//! way lore-core's `Library::receive_changes` takes it: the signed envelope opened
//! (`lore_core::doc::proof::open_message`: the signatures, then automerge's incremental
//! changes), the changes loaded into a fork of the document as stored — one this library
//! does not have yet, and one it has — then what lore-core reads of the result: the
//! dependencies still missing and the changes added. No step may panic on hostile bytes.

#![no_main]

use automerge::transaction::Transactable as _;
use automerge::{AutoCommit, ROOT, TextEncoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok((_seals, changes)) = lore_core::doc::proof::open_message(bytes) else {
        return;
    };
    let empty = AutoCommit::new_with_encoding(TextEncoding::Utf8CodeUnit);
    let mut stored = AutoCommit::new_with_encoding(TextEncoding::Utf8CodeUnit);
    let _ = stored.put(ROOT, "title", "退款多久到账");
    let _ = stored.commit();
    for mut before in [empty, stored] {
        let heads = before.get_heads();
        let mut after = before.fork();
        if after.load_incremental(changes).is_ok() {
            let _ = after.get_missing_deps(&[]);
            let _ = after.get_changes_meta(&heads);
        }
    }
});
