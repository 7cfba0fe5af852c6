//! The public help center: a static site built from the library's published, public
//! entries — a home page by category, a page per entry, one style sheet and a search that
//! runs in the browser on a prebuilt index. It works opened from disk and from any static
//! host: every link is relative and nothing is fetched.
//!
//! What is public: published FAQs not marked internal — what the library already treats
//! as text for customers. Scripts are left out (an agent's replies, with blanks to fill
//! and the agent's voice), SOPs too (the team's procedures: tickets, approvals, script
//! shortcodes; `lore copy` refuses them as customer text for the same reason), and
//! training items (role-play for the team). Of an entry only its title, body, category,
//! customer questions and public links are written — never answers, authors, owners,
//! tags or any member's name.
//!
//! `build` is pure (entries in, files out); `write` puts a site in place whole or not at
//! all; `export_site` does both for a library.

mod assets;
mod index;
mod pages;
mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::library::Library;
use crate::model::{Entry, Kind, Status, Team};
use crate::{Error, Result};

/// The file that marks a folder as a Lore help center, holding a fingerprint of the
/// site's files: only such a folder (or an empty one) is replaced by a new site.
pub const MARKER: &str = ".lore-site";

/// Related entries an entry's page lists, at most.
const RELATED: usize = 6;

/// The language of the site's own words (entries stay as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A built site: file paths (relative, `/`-separated) and their bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
    /// How many entries have a page.
    pub entries: usize,
}

/// What an export of the site did.
#[derive(Debug)]
pub struct SiteReport {
    /// Entries with a page.
    pub entries: usize,
    /// Whether files were written (false: the site on disk was already this one).
    pub written: bool,
    /// Entries that could not be read.
    pub damaged: Vec<Error>,
}

/// Whether `entry` belongs on the public site.
pub fn is_public(entry: &Entry) -> bool {
    entry.status == Status::Published && !entry.internal && entry.kind == Kind::Faq
}

/// What the site needs of the team: its name, the dictionary words its search adds to
/// jieba, and the synonym groups it searches with (the lexicon minus the groups switched
/// off, and the team's own).
#[derive(Debug, Clone, Default)]
pub struct SiteTeam {
    pub name: String,
    pub dictionary: Vec<String>,
    pub synonyms: Vec<Vec<String>>,
}

impl SiteTeam {
    pub fn of(team: &Team) -> SiteTeam {
        SiteTeam {
            name: team.name.clone(),
            dictionary: crate::search::lexicon::dictionary_words(team),
            synonyms: crate::search::lexicon::with_lexicon(team),
        }
    }
}

/// Builds the site from `entries` (any: those not public are skipped).
pub fn build(entries: &[Entry], team: &SiteTeam, lang: Lang) -> Site {
    let mut public: Vec<&Entry> = entries.iter().filter(|e| is_public(e)).collect();
    public.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let words = assets::words(lang);
    let mut files = BTreeMap::new();
    let (script, similar) = index::build(&public, team, words);
    let pages = pages::Pages::new(&public, &team.name, lang, &similar);
    files.insert("index.html".to_string(), pages.home().into_bytes());
    for entry in &public {
        files.insert(
            pages::entry_path(&entry.id),
            pages.entry(entry).into_bytes(),
        );
    }
    files.insert("search-index.js".to_string(), script.into_bytes());
    files.insert(
        "search.js".to_string(),
        assets::SEARCH_JS.as_bytes().to_vec(),
    );
    files.insert(
        "style.css".to_string(),
        assets::STYLE_CSS.as_bytes().to_vec(),
    );
    let fingerprint = fingerprint(&files);
    files.insert(
        MARKER.to_string(),
        format!("Lore help center\n{fingerprint:016x}\n").into_bytes(),
    );
    Site {
        files,
        entries: public.len(),
    }
}

/// FNV-1a over every path and its bytes, in order: the same files, the same number.
fn fingerprint(files: &BTreeMap<String, Vec<u8>>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (path, bytes) in files {
        for b in path
            .bytes()
            .chain([0])
            .chain(bytes.iter().copied())
            .chain([0])
        {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Reads what the site needs from `library` and builds it.
pub fn from_library(library: &mut Library, lang: Lang) -> Result<(Site, Vec<Error>)> {
    let team = SiteTeam::of(&library.team()?);
    let mut entries = Vec::new();
    let mut damaged = Vec::new();
    for id in library.ids() {
        match library.get(&id) {
            Ok(entry) => entries.push(entry),
            Err(e) => damaged.push(e),
        }
    }
    Ok((build(&entries, &team, lang), damaged))
}

/// Builds the help center of `library` and writes it to `out`.
pub fn export_site(library: &mut Library, out: &Path, lang: Lang) -> Result<SiteReport> {
    let (site, damaged) = from_library(library, lang)?;
    let written = write(&site, out)?;
    Ok(SiteReport {
        entries: site.entries,
        written,
        damaged,
    })
}

/// A number that changes whenever the team document or any entry changes (not with
/// ledgers, which the site never shows): a running node rebuilds the site when it moves.
pub fn stamp(library: &Library) -> Result<u64> {
    let mut public = BTreeMap::new();
    for (key, heads) in library.digest()? {
        if matches!(
            crate::doc::DocKey::parse(&key),
            Some(crate::doc::DocKey::Team | crate::doc::DocKey::Entry(_))
        ) {
            public.insert(key, heads);
        }
    }
    Ok(fingerprint(&public))
}

/// Puts `site` at `out`, whole: written to `OUT.partial` beside it, then swapped in. `out`
/// must be missing, an empty folder or an earlier Lore site (its marker file); anything
/// else is refused untouched. Returns false, writing nothing, when `out` already holds
/// this very site.
pub fn write(site: &Site, out: &Path) -> Result<bool> {
    let marker = site.files.get(MARKER).cloned().unwrap_or_default();
    if check(out)?.is_some_and(|old| old == marker) {
        return Ok(false);
    }
    let tmp = beside(out, "partial");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(write_err(&tmp))?;
    }
    for (path, bytes) in &site.files {
        let file = tmp.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        }
        std::fs::write(&file, bytes).map_err(write_err(&file))?;
    }
    if out.exists() {
        let old = beside(out, "old");
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(write_err(&old))?;
        }
        std::fs::rename(out, &old).map_err(write_err(out))?;
        std::fs::rename(&tmp, out).map_err(write_err(out))?;
        std::fs::remove_dir_all(&old).map_err(write_err(&old))?;
    } else {
        std::fs::rename(&tmp, out).map_err(write_err(out))?;
    }
    Ok(true)
}

/// Whether a site may be written to `out`: missing, an empty folder or an earlier site
/// (whose marker is returned); anything else is refused.
pub fn check(out: &Path) -> Result<Option<Vec<u8>>> {
    if !out.exists() {
        return Ok(None);
    }
    if !out.is_dir() {
        return Err(Error::SiteFolderNotOurs(out.to_path_buf()));
    }
    if let Ok(marker) = std::fs::read(out.join(MARKER)) {
        return Ok(Some(marker));
    }
    let mut files = std::fs::read_dir(out).map_err(|source| Error::Read {
        path: out.to_path_buf(),
        source,
    })?;
    match files.next() {
        None => Ok(None),
        Some(_) => Err(Error::SiteFolderNotOurs(out.to_path_buf())),
    }
}

/// `OUT.<what>`, beside `OUT`.
fn beside(out: &Path, what: &str) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(what);
    out.with_file_name(name)
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}
