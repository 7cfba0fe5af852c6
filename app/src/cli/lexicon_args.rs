//! Arguments of `lore synonyms lexicon`.

use clap::Args;

/// Lists the built-in lexicon's groups, or switches one off or on for the whole team.
#[derive(Debug, Args)]
pub struct LexiconArgs {
    /// Switch off the group holding this word, for every member (admins only)
    #[arg(long, value_name = "WORD", conflicts_with = "on")]
    pub off: Option<String>,
    /// Switch the group holding this word back on (admins only)
    #[arg(long, value_name = "WORD")]
    pub on: Option<String>,
}
