//! Text decoding for import files: UTF-8 (with or without BOM), UTF-16 with BOM, and
//! GBK/GB18030, which is what Excel on a Chinese Windows saves.

use crate::{Error, Result};

/// Decodes `bytes`, or says on which line they stop making sense.
pub(crate) fn decode(name: &str, bytes: &[u8]) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(str::to_string)
            .map_err(|_| undecodable(name, rest, "UTF-8"));
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| s.into_owned())
                .ok_or_else(|| Error::import(name, "undecodable UTF-16 text"));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    // GB18030 decodes nearly any bytes, UTF-8 Chinese included: a file whose lines are in
    // both would be imported as garbled text, so it is refused where the second begins.
    if let Some((line, first, second)) = second_encoding(bytes) {
        return Err(Error::import(
            format!("{name}:{line}"),
            format!(
                "the file mixes text encodings: the lines before are {first}, this one is \
                 {second}; save the whole file again as UTF-8"
            ),
        ));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
        .ok_or_else(|| undecodable(name, bytes, "UTF-8 or GBK/GB18030"))
}

/// The line (1-based) where a second encoding starts, and the two encodings: lines with
/// non-ASCII text that are valid UTF-8 beside lines that are not.
fn second_encoding(bytes: &[u8]) -> Option<(usize, &'static str, &'static str)> {
    let mut first = None;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        let this = if std::str::from_utf8(line).is_ok() {
            "UTF-8"
        } else {
            "GBK/GB18030"
        };
        match first {
            None => first = Some(this),
            Some(seen) if seen != this => return Some((n + 1, seen, this)),
            Some(_) => {}
        }
    }
    None
}

/// Finds the first line that decodes as neither UTF-8 nor GB18030.
fn undecodable(name: &str, bytes: &[u8], expected: &str) -> Error {
    let mut first_bad = None;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let utf8 = std::str::from_utf8(line).is_ok();
        let gb = encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(line)
            .is_some();
        if !utf8 && !gb {
            let column = std::str::from_utf8(line)
                .err()
                .map(|e| e.valid_up_to() + 1)
                .unwrap_or(1);
            let byte = line.get(column - 1).copied().unwrap_or(0);
            return Error::import(
                format!("{name}:{}", n + 1),
                format!(
                    "undecodable bytes (0x{byte:02X} at byte {column}): the file must be {expected}; \
                     save it again as UTF-8"
                ),
            );
        }
        if !utf8 && first_bad.is_none() {
            first_bad = Some(n + 1);
        }
    }
    Error::import(
        format!("{name}:{}", first_bad.unwrap_or(1)),
        "the file mixes text encodings (some lines UTF-8, some GBK); save it again as UTF-8",
    )
}
