//! The sync protocol's frame decoder (`lore_sync::Frame::decode`) on hostile bytes: what a
//! peer sends after the length prefix. It must answer every input with a frame or an
//! error, never panic, and never allocate more than the input justifies (the length
//! prefix itself is checked against `MAX_FRAME` before anything is read).

#![no_main]

use libfuzzer_sys::fuzz_target;
use lore_sync::Frame;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(frame) = Frame::decode(bytes) {
        // A frame that decodes survives the codec: written and read back, it is the same.
        // (Not always the same bytes: a digest's keys come back sorted and deduplicated.)
        assert_eq!(Frame::decode(&frame.encode()).ok(), Some(frame));
    }
});
