//! Argument definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Lore: the team's knowledge base — FAQs, reply scripts, SOPs and training — local-first.
#[derive(Debug, Parser)]
#[command(name = "lore", version, propagate_version = true)]
pub struct Cli {
    /// The data directory holding the library [default: the platform data directory + /lore]
    #[arg(long, global = true, env = "LORE_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Print machine-readable output: one JSON object per line
    #[arg(long, global = true)]
    pub json: bool,

    /// Your display name in the team (remembered for this data directory)
    #[arg(long, global = true, value_name = "NAME")]
    pub name: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add an entry and print its id
    Add(AddArgs),
    /// What customers ask and the library does not answer, hot words, usage, candidate
    /// phrasings; the weekly report
    Insights(super::insights::InsightsArgs),
    /// Change fields of an entry
    Edit(EditArgs),
    /// Show one entry with all its fields
    Show(IdArg),
    /// List entries (archived ones only with --status archived)
    List(ListArgs),
    /// Who changed an entry, when, and what
    History(IdArg),
    /// Who wrote each sentence of an entry's body and answers: the member who wrote most
    /// of it, the others who wrote some, and when (only signed changes are put to a name)
    Blame(IdArg),
    /// The board (贡献榜): per member, entries created, sentences of theirs in the library,
    /// answers adopted, teammates' uses of their text and its solve rate; --member and
    /// --entry open what is behind the numbers
    Credits(CreditsArgs),
    /// Answers awaiting a lead's decision; `lore review ENTRY ANSWER adopt|fold|dismiss`
    /// decides one (admins and trainers); --mine shows what became of yours
    Review(ReviewArgs),
    /// Mark your latest copy of an entry as having solved the customer's problem (--no:
    /// it did not); the solve rate is kept per entry and per contributor
    Solved(SolvedArgs),
    /// Practise a role-play: the customer's turns one at a time, your replies scored
    /// against the team's key points (必须：/禁止： mark required and forbidden ones); the
    /// attempt is kept with the versions of what it was practised on. --replies FILE (or -)
    /// runs it from one reply per line
    Practice(PracticeArgs),
    /// Training assignments and the trainer's grid (members × items: best score,
    /// attempts, last date, out-of-date results)
    #[command(subcommand)]
    Training(TrainingCommand),
    /// Record that you checked an entry and it is still right (owner or lead); --due lists
    /// what needs checking (overdue, unverified, due soon), --mine only what you own
    Verify(super::fresh::VerifyArgs),
    /// Archive an entry (it stays in history and can be restored with `edit --status published`)
    Delete(IdArg),
    /// Read every document and report damaged ones; --repair rebuilds a damaged library
    Check(CheckArgs),
    /// Import entries from .jsonl, .csv or .md files, or folders of .md files
    Import(ImportArgs),
    /// Export every entry as JSON Lines, CSV for Excel (a file) or Markdown (a folder), or the public help center (a folder)
    Export(ExportArgs),
    /// Write a ready-to-fill import template (CSV with Chinese headers, JSON Lines, Markdown)
    Template(TemplateArgs),
    /// Load the built-in demo library (a bilingual support team's knowledge base)
    Demo,
    /// Search as you type: Chinese or English, partial words, shortcodes (#2), pinyin (tk)
    Search(SearchArgs),
    /// Paste a whole customer message (argument, or - / nothing for standard input) to get
    /// the entries that answer it
    Suggest(SuggestArgs),
    /// Print an entry's reply as chat-ready text (what the app copies) and count a use;
    /// placeholders are filled with --set, and unfilled ones are named, not printed
    Copy(CopyArgs),
    /// Pin a reply among your favourites (常用语: first in the quick picker and an empty
    /// search, on every machine); --off unpins it; with no entry, list your favourites
    Pin {
        /// The entry: id or shortcode (#2)
        id: Option<String>,
        /// Unpin it
        #[arg(long)]
        off: bool,
    },
    /// Manage the team's synonym groups (退款/退钱/refund) used to expand searches
    #[command(subcommand)]
    Synonyms(SynonymsCommand),
    /// Rebuild the search index from the library
    Reindex,
    /// Print an invite ticket for a new member (admins only); run `lore serve` so they can join
    Invite(InviteArgs),
    /// Join a team with an invite ticket, then fetch its library
    Join(JoinArgs),
    /// Run a sync node in the foreground (an always-on office machine); Ctrl-C stops it
    Serve(ServeArgs),
    /// Who this device is, its team and role, and the peers it knows
    Status,
    /// Make this library a team library (you become its admin)
    #[command(subcommand)]
    Team(TeamCommand),
    /// List the team's members and their roles
    Members,
    /// Give a member another role (admins only)
    Role {
        /// The member: display name or member id (prefix)
        member: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Remove a member from the team (admins only); their devices are refused from now on
    Remove {
        /// The member: display name or member id (prefix)
        member: String,
    },
    /// Tokens for the HTTP API (`lore serve --http`): create, list, revoke (admins)
    #[command(subcommand)]
    Token(super::token::TokenCommand),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Faq,
    Script,
    Sop,
    Training,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Draft,
    Published,
    Archived,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// What the entry is
    #[arg(long, value_enum)]
    pub kind: KindArg,
    /// The title (a question for FAQs, the purpose for scripts)
    #[arg(long)]
    pub title: String,
    /// The body, Markdown; `-` reads it from standard input
    #[arg(long, default_value = "")]
    pub body: String,
    /// An alternative question, as customers phrase it (repeatable)
    #[arg(long = "question", value_name = "Q")]
    pub questions: Vec<String>,
    /// A tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[arg(long, default_value = "")]
    pub category: String,
    /// Scripts only: a unique shortcode such as #2
    #[arg(long, default_value = "")]
    pub shortcode: String,
    #[arg(long, value_enum, default_value = "published")]
    pub status: StatusArg,
    /// Internal only: not to be sent to customers
    #[arg(long)]
    pub internal: bool,
    /// Training: who the customer is
    #[arg(long, default_value = "")]
    pub persona: String,
    /// Training: the customer's first message
    #[arg(long, default_value = "")]
    pub opening: String,
    /// Training: a further customer turn (repeatable, in order)
    #[arg(long = "turn", value_name = "TEXT")]
    pub turns: Vec<String>,
    /// Training: a point the agent must hit (repeatable)
    #[arg(long = "key-point", value_name = "TEXT")]
    pub key_points: Vec<String>,
    /// Training, a multiple-choice quiz: a choice (repeatable; start the right ones with *)
    #[arg(long = "option", value_name = "TEXT")]
    pub options: Vec<String>,
    /// The id of a related entry (repeatable)
    #[arg(long = "link", value_name = "ID")]
    pub links: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The entry: id, unique id prefix, or shortcode
    pub id: String,
    #[arg(long)]
    pub title: Option<String>,
    /// New body, Markdown; `-` reads it from standard input
    #[arg(long)]
    pub body: Option<String>,
    #[arg(long, value_name = "Q")]
    pub add_question: Vec<String>,
    #[arg(long, value_name = "Q")]
    pub remove_question: Vec<String>,
    #[arg(long, value_name = "TAG")]
    pub add_tag: Vec<String>,
    #[arg(long, value_name = "TAG")]
    pub remove_tag: Vec<String>,
    #[arg(long)]
    pub category: Option<String>,
    /// New shortcode (scripts); an empty string removes it
    #[arg(long)]
    pub shortcode: Option<String>,
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Mark internal (true) or public (false)
    #[arg(long)]
    pub internal: Option<bool>,
    #[arg(long)]
    pub persona: Option<String>,
    #[arg(long)]
    pub opening: Option<String>,
    /// Append a customer turn (training)
    #[arg(long, value_name = "TEXT")]
    pub add_turn: Vec<String>,
    /// Remove every customer turn first (training)
    #[arg(long)]
    pub clear_turns: bool,
    #[arg(long, value_name = "TEXT")]
    pub add_key_point: Vec<String>,
    #[arg(long, value_name = "TEXT")]
    pub remove_key_point: Vec<String>,
    #[arg(long, value_name = "ID")]
    pub add_link: Vec<String>,
    #[arg(long, value_name = "ID")]
    pub remove_link: Vec<String>,
    /// Contribute an answer of yours to this entry
    #[arg(long, value_name = "TEXT")]
    pub answer: Option<String>,
    /// Adopt a contributed answer (by its id, see `lore show`) as the team's best practice
    #[arg(long, value_name = "ANSWER")]
    pub adopt: Option<String>,
    #[command(flatten)]
    pub fresh: super::fresh::FreshEditArgs,
}

#[derive(Debug, Args)]
pub struct CreditsArgs {
    /// The period: 7d, 30d, 12h, 4w or all
    #[arg(long, default_value = "30d")]
    pub since: String,
    /// What is behind one member's numbers (name or id)
    #[arg(long, value_name = "MEMBER")]
    pub member: Option<String>,
    /// One entry's uses over time, solve rate and contributors
    #[arg(long, value_name = "ID")]
    pub entry: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The entry whose answer to decide on
    pub id: Option<String>,
    /// The answer's id (see `lore review` or `lore show`)
    pub answer: Option<String>,
    /// adopt (it becomes the reply agents copy), fold (into the body, keeping its
    /// author's credit), dismiss, or reopen
    pub decision: Option<String>,
    /// Your own answers and what became of them
    #[arg(long)]
    pub mine: bool,
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// The training item: id or unique prefix (none with --quiz)
    #[arg(required_unless_present = "quiz")]
    pub id: Option<String>,
    /// A quiz of N questions generated from the team's FAQs: a customer's phrasing, and
    /// the entry that answers it among close ones; answer with the option's number
    #[arg(long, value_name = "N", conflicts_with = "id")]
    pub quiz: Option<usize>,
    /// The quiz's draw (the same seed asks the same questions); by default, the time
    #[arg(long, requires = "quiz")]
    pub seed: Option<u64>,
    /// Your replies (or a quiz's option numbers), one per line, from a file (or - for
    /// standard input), instead of typing them turn by turn
    #[arg(long, value_name = "FILE")]
    pub replies: Option<String>,
}

#[derive(Debug, Args)]
pub struct SolvedArgs {
    /// The entry: id or shortcode (#2)
    pub id: String,
    /// It did not solve the problem
    #[arg(long)]
    pub no: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Rebuild the library from everything still readable when anything is damaged (the
    /// damaged file is kept beside it); teammates send back what is lost on the next sync
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// The entry: id, unique id prefix, or shortcode (#2)
    pub id: String,
}

/// Which entries a list or a search considers.
#[derive(Debug, Args)]
pub struct Filters {
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long)]
    pub category: Option<String>,
    /// Only entries with this status (archived entries are hidden otherwise)
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: Filters,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    pub filters: Filters,
    /// How many results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The customer's message; `-` or nothing reads it from standard input
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
    /// How many suggestions
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The entry: id or shortcode (#2)
    pub id: String,
    /// A contributed answer to copy instead of the entry's reply (its id, from `lore show`)
    #[arg(long, value_name = "ANSWER")]
    pub answer: Option<String>,
    /// Fill a placeholder: --set 订单号=20261129001 (repeatable)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Copy an internal, draft or archived entry anyway
    #[arg(long)]
    pub internal: bool,
    /// Print the reply even with placeholders left unfilled (they stay in braces)
    #[arg(long)]
    pub keep_blanks: bool,
    /// The search that found it (logged for insights: how customers ask for this entry)
    #[arg(long, value_name = "TEXT")]
    pub after: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SynonymsCommand {
    /// Show every synonym group
    List,
    /// Make these words synonyms (joins the group any of them is already in)
    Add {
        #[arg(required = true, num_args = 2.., value_name = "WORD")]
        words: Vec<String>,
    },
    /// Take these words out of their groups
    Remove {
        #[arg(required = true, num_args = 1.., value_name = "WORD")]
        words: Vec<String>,
    },
    /// The customer-service lexicon Lore ships: its groups, each on or off for the team
    Lexicon(super::lexicon_args::LexiconArgs),
}

/// How the sync node reaches the team. Flags override `config.toml` in the data directory.
#[derive(Debug, Clone, Default, Args)]
pub struct Network {
    /// Where the sync node listens, IP:PORT [default: `listen` in config.toml, else 0.0.0.0:4747]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// A self-hosted iroh relay, for teammates that cannot reach each other directly
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
    /// Do not announce or look for teammates on the local network (mDNS)
    #[arg(long)]
    pub no_mdns: bool,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    /// The role the new member gets
    #[arg(long, value_enum, default_value = "agent")]
    pub role: RoleArg,
    /// How long the ticket stays valid (e.g. 30m, 24h, 7d)
    #[arg(long, default_value = "24h", value_parser = parse_duration)]
    pub expires: std::time::Duration,
    #[command(flatten)]
    pub net: Network,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The ticket an admin gave you (starts with lore1)
    pub ticket: String,
    /// Where this device listens while joining, IP:PORT [default: 0.0.0.0:0, any free port]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// A self-hosted iroh relay [default: the ticket's, or `relay` in config.toml]
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub net: Network,
    /// Seconds between syncs with known peers [default: `sync_every` in config.toml, else 10]
    #[arg(long)]
    pub every: Option<u64>,
    #[command(flatten)]
    pub site: super::site::SiteServeArgs,
    #[command(flatten)]
    pub http: crate::http::HttpArgs,
}

/// Parses `30m`, `24h`, `7d` or plain seconds.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 30m, 24h or 7d"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("`{s}` is not a duration like 30m, 24h or 7d")),
    };
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Subcommand)]
pub enum TrainingCommand {
    /// The grid: every member × every item assigned or practised
    Status,
    /// Set a training item for a member, a role or everyone (admins and trainers)
    Assign {
        /// The training items: ids or unique prefixes (a set: several at once)
        #[arg(required_unless_present = "category")]
        items: Vec<String>,
        /// Every training item of this category, as one set
        #[arg(long, conflicts_with = "items")]
        category: Option<String>,
        /// A member (name or id), a role (agent, trainer, 客服 …) or all
        #[arg(long)]
        to: String,
        /// Due by this day (YYYY-MM-DD, the end of that day here)
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// The score that passes, 0-100
        #[arg(long, default_value_t = lore_core::training::DEFAULT_PASS)]
        pass: u32,
    },
    /// Withdraw an assignment you set
    Unassign {
        item: String,
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Name this library's team; you are its admin
    Create {
        /// The team's name
        #[arg(value_name = "NAME")]
        team_name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Trainer,
    Agent,
    Viewer,
}

impl From<RoleArg> for lore_core::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Self::Admin,
            RoleArg::Trainer => Self::Trainer,
            RoleArg::Agent => Self::Agent,
            RoleArg::Viewer => Self::Viewer,
        }
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files (.jsonl, .csv, .md) or folders of .md files; all are checked before anything is written
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Only show what would be created or updated and every problem; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Jsonl,
    Csv,
    Markdown,
    /// A public help center (a folder) of the published FAQs that are not internal
    Site,
}

/// The text encoding of a CSV file.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8 with a byte order mark, by which Excel and WPS know the encoding
    Utf8,
    /// GBK, for older Excel on Chinese Windows
    Gbk,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: FormatArg,
    /// CSV only: the file's encoding
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<EncodingArg>,
    #[command(flatten)]
    pub site: super::site::SiteExportArgs,
    /// The output file (jsonl, csv) or a new or empty folder (markdown: a file per entry, named by title; site: or an earlier help center)
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FormatArg,
    /// CSV only: the file's encoding
    #[arg(long, value_enum, value_name = "ENCODING")]
    pub encoding: Option<EncodingArg>,
    /// Where to write it (without it: standard output)
    #[arg(value_name = "OUT")]
    pub out: Option<PathBuf>,
}

impl From<KindArg> for lore_core::Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Faq => Self::Faq,
            KindArg::Script => Self::Script,
            KindArg::Sop => Self::Sop,
            KindArg::Training => Self::Training,
        }
    }
}

impl From<StatusArg> for lore_core::Status {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Draft => Self::Draft,
            StatusArg::Published => Self::Published,
            StatusArg::Archived => Self::Archived,
        }
    }
}
