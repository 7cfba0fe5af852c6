//! The messages between the UI and the worker: the UI sends [`Job`]s, the worker answers
//! [`Done`]s. Plain data, so panels and the worker agree on them without knowing each
//! other.

use std::path::PathBuf;

use lore_core::exchange::{ExportFormat, ImportPreview};
use lore_core::{Entry, Hit, Kind, Reply, Role};

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Job {
    /// Open the demo's sandbox (`DATA_DIR/demo/`, filled with the built-in demo library
    /// the first time) in place of the team's library; nothing of it reaches the team.
    Demo,
    /// Close the demo's sandbox: back to the team's library if there is one, else to the
    /// welcome screen.
    CloseDemo,
    /// Make a new library the library of team `name`, with this device as admin.
    CreateTeam(String),
    /// Join a team with a ticket.
    Join(String),
    /// Search (`seq` orders answers: only the newest is shown).
    Search { seq: u64, query: Query },
    /// The team's categories and tags, for the filters.
    Vocabulary,
    /// Open an entry.
    Show(String),
    /// An entry's reply (answer `answer`, else the adopted one, else the body), to copy
    /// once its blanks are filled and anything to ask was asked.
    Reply { id: String, answer: Option<String> },
    /// Put a reply's final text on the clipboard: counted as a use in this member's
    /// ledger.
    CopyText {
        id: String,
        text: String,
        /// The answer copied; none: the body.
        answer: Option<String>,
    },
    /// The Practice tab: items to practise, this member's standing, the trainer's grid.
    Practice,
    /// A training item to play.
    Scenario(String),
    /// A quiz of `count` questions generated from the team's FAQs.
    Quiz { count: usize },
    /// A generated quiz answered: an option index per question (none: skipped).
    AnswerQuiz {
        questions: Vec<lore_core::training::QuizQuestion>,
        chosen: Vec<Option<usize>>,
        seconds: u32,
    },
    /// A trainer sets `items` (one, or a set) for `to`, due by `due` (ms; 0: no date), pass
    /// mark `pass`.
    Assign {
        items: Vec<String>,
        to: lore_core::training::Assignee,
        due: i64,
        pass: u32,
    },
    /// An attempt at item `id`: a reply per customer turn, and how long it took.
    Attempt {
        id: String,
        replies: Vec<String>,
        seconds: u32,
    },
    /// Who wrote entry `id` (its sentences by author) and its record (uses, solve rate).
    Authors(String),
    /// Mark the copy `key` (from [`Done::Copied`]) as having solved the customer's problem.
    MarkSolved { key: String, solved: bool },
    /// The board for the last `days` days (0: all time), the review queue and this
    /// member's answers.
    Credits { days: u32 },
    /// What is behind a member's numbers on the board.
    CreditDetail { member: String, days: u32 },
    /// A lead's decision on an answer.
    Decide {
        id: String,
        answer: String,
        decision: lore_core::AnswerState,
        days: u32,
    },
    /// The quick picker's list: replies for `text`, or with nothing typed the team's
    /// most used ones (published FAQs and scripts only).
    Pick { seq: u64, text: String },
    /// Pin (or unpin) a reply among this member's favourites.
    Pin { id: String, pinned: bool },
    /// This member's favourite replies.
    Favourites,
    /// The titles of these entries (an entry's links, shown by title).
    Titles(Vec<String>),
    /// Entries to link, found by what the editor's link box holds.
    FindLinks(String),
    /// Suggestions for a whole customer message.
    Suggest { seq: u64, text: String },
    /// Who changed an entry, when, and what.
    History(String),
    /// The roster, this device's role and the peers.
    Team,
    /// The HTTP API's state: whether this app serves it, and the team's tokens.
    Api,
    /// Serve the HTTP API at 127.0.0.1:`port`, or stop serving it (`None`).
    ServeApi(Option<u16>),
    /// Create an API token (admins only); its secret is shown this once.
    CreateToken {
        name: String,
        scope: lore_core::Scope,
    },
    /// Revoke an API token (admins only).
    RevokeToken(String),
    /// A one-time ticket for a new member with `role`, valid for `hours`.
    Invite { role: Role, hours: u32 },
    /// An admin changes a member's role.
    SetRole { member: String, role: Role },
    /// An admin removes a member.
    Remove(String),
    /// Open an entry for editing (and watch it for teammates' changes).
    Edit(String),
    /// Save an edit of the version `base` of entry `id` (`None`: a new entry).
    Save {
        id: Option<String>,
        base: Vec<String>,
        entry: Box<Entry>,
    },
    /// The editor closed: stop watching.
    StopEditing,
    /// Contribute an answer to an entry.
    Answer { id: String, text: String },
    /// Adopt one of an entry's answers as the team's best (the others lose the mark).
    Adopt { id: String, answer: String },
    /// This member's display name: stored in the profile, used by the open library (and
    /// its roster when this member is an admin).
    SetName(String),
    /// An admin renames the team.
    RenameTeam(String),
    /// What importing these files would do; nothing is written.
    PreviewImport(Vec<PathBuf>),
    /// Import these files (only when nothing is wrong with any of them).
    Import(Vec<PathBuf>),
    /// Write the CSV import template to this file.
    SaveTemplate(PathBuf),
    /// Export the whole library in `format` to `path`.
    Export { format: ExportFormat, path: PathBuf },
    /// Remember that the agent left the quick picker at this outer top-left corner.
    PlacePicker([f32; 2]),
    /// A question asked (a search that settled, a pasted message) or what followed it,
    /// for this member's query log.
    LogQuery {
        asked: lore_core::insights::Asked,
        text: String,
        after: lore_core::insights::After,
    },
    /// The Insights tab's view for the last `days` days (0: everything on record).
    Insights { days: u32 },
    /// A lead accepts (or turns down) a candidate phrasing of entry `id`.
    Phrasing {
        id: String,
        text: String,
        accept: bool,
        days: u32,
    },
    /// An admin turns the team's query log on or off and sets how long it is kept.
    QueryLog { on: bool, keep: u32, days: u32 },
    /// Write the report of the last `days` days to `path` (HTML).
    Report { days: u32, path: PathBuf },
    /// Entry `id`'s freshness, and whether this member may verify it.
    Freshness(String),
    /// This member checked entry `id` and it is still right.
    Verify(String),
    /// Every entry's freshness state and this member's queue (what they own that needs
    /// checking).
    FreshList,
}

/// What the search box and its filters ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// What was typed; nothing lists the library by title.
    pub text: String,
    /// Only entries of this kind.
    pub kind: Option<Kind>,
    /// Only entries in this category.
    pub category: Option<String>,
    /// Only entries with this tag.
    pub tag: Option<String>,
}

/// One change of an entry's history, newest first in lists: who, when (ms since the
/// epoch), what.
pub type Changed = (String, i64, String);

/// The HTTP API as the team panel shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiView {
    /// Where this app serves the HTTP API, while it does.
    pub serving: Option<std::net::SocketAddr>,
    /// Whether this member manages tokens.
    pub admin: bool,
    /// The team's tokens, revoked ones included, by name.
    pub tokens: Vec<TokenRow>,
    /// A token just made: its name and its secret, shown this once.
    pub made: Option<(String, String)>,
}

/// An API token as the team panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub name: String,
    pub scope: lore_core::Scope,
    pub revoked: bool,
    /// Uses made through it.
    pub uses: u64,
}

/// A teammate as the team panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Teammate {
    /// The member id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The member's role.
    pub role: Role,
    /// Whether this is the member using this device.
    pub you: bool,
    /// Whether the member's device is connected now.
    pub connected: bool,
    /// Last sync with this member's device (ms since the epoch; 0: never).
    pub last_sync: i64,
}

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Done {
    /// No library in the data directory yet: the welcome screen, with the display name
    /// stored in the data directory (`None`: none yet, it is asked first).
    NeedsLibrary { name: Option<String> },
    /// The library is open and the node runs; `repaired` says what rebuilding a damaged
    /// database recovered and lost, when opening it did. `sandbox`: it is the demo's
    /// sandbox, with no node at all.
    Opened {
        entries: usize,
        team: String,
        repaired: Option<Repaired>,
        sandbox: bool,
    },
    /// The quick picker's list for the text numbered `seq`.
    Picked { seq: u64, hits: Vec<Hit> },
    /// This member's favourite replies (entry ids, the most recently pinned first).
    Favourites(Vec<String>),
    /// Entry id → title, for the ids asked for that exist.
    Titles(Vec<(String, String)>),
    /// Entries found to link.
    LinkHits(Vec<Hit>),
    /// Search results for the search numbered `seq`.
    Hits { seq: u64, hits: Vec<Hit> },
    /// An entry to show.
    Entry(Box<Entry>),
    /// An entry's reply, chat-ready, for the copy dialog.
    Reply {
        reply: Box<Reply>,
        /// This member's display name, for blanks that mean the agent.
        agent: String,
    },
    /// An entry's reply to put on the clipboard, and its uses counted so far.
    Copied {
        id: String,
        text: String,
        uses: u64,
        /// The key a solve mark for this copy goes under.
        key: String,
    },
    /// The Practice tab's view.
    Practice(Box<PracticeView>),
    /// A training item to play, with the team's model replies (title, text).
    Scenario {
        entry: Box<Entry>,
        models: Vec<(String, String)>,
    },
    /// A generated quiz to answer.
    Quiz(Vec<lore_core::training::QuizQuestion>),
    /// An attempt was scored and kept.
    Attempted(Box<lore_core::training::Attempt>),
    /// Who wrote an entry, and its record over all time.
    Authors {
        id: String,
        blame: Box<lore_core::EntryBlame>,
        credit: Box<lore_core::credit::EntryCredit>,
    },
    /// A solve mark was recorded.
    Marked { solved: bool },
    /// The Credits tab's view.
    Credits(Box<CreditsView>),
    /// The Insights tab's view.
    Insights(Box<InsightsView>),
    /// A question was logged (nothing to show).
    Logged,
    /// What is behind a member's numbers, with the titles of the entries named.
    CreditDetail {
        detail: Box<lore_core::credit::MemberDetail>,
        titles: Vec<(String, String)>,
    },
    /// Suggestions for the customer message numbered `seq`: per question it asks (the
    /// question with its context, its suggestions).
    Suggestions {
        seq: u64,
        groups: Vec<(String, Vec<Hit>)>,
    },
    /// An entry's history, newest first.
    History { id: String, changes: Vec<Changed> },
    /// The team panel's view of the HTTP API.
    Api(ApiView),
    /// The team panel's view of the team.
    Team {
        name: String,
        my_role: Role,
        members: Vec<Teammate>,
        /// The last invite made here has been used: its ticket is of no more use.
        ticket_used: bool,
    },
    /// A new invite's ticket.
    Ticket {
        text: String,
        role: Role,
        expires_at: i64,
    },
    /// A change was made (roster): the message says what.
    Done(String),
    /// A member's role was changed (the app words the role in its language).
    RoleSet { name: String, role: Role },
    /// An entry to edit, the heads of its version, and the team's tags.
    Editing {
        entry: Box<Entry>,
        heads: Vec<String>,
        tags: Vec<String>,
    },
    /// An edit was saved: the merged entry and its heads, and the heads of the edit alone.
    Saved {
        entry: Box<Entry>,
        heads: Vec<String>,
        own: Vec<String>,
    },
    /// The team's categories and tags.
    Vocabulary {
        categories: Vec<String>,
        tags: Vec<String>,
    },
    /// The entry being edited changed (a teammate, through sync).
    Changed {
        entry: Box<Entry>,
        heads: Vec<String>,
    },
    /// Network state for the status bar.
    Status(NetStatus),
    /// Something failed: what kind of problem, and the English detail.
    Failed(Failure),
    /// The picker's place was kept (nothing to show).
    Placed,
    /// Entry `id`'s freshness (`None`: no interval applies), whether this member may
    /// verify it, and whether they just did.
    Fresh {
        id: String,
        freshness: Option<Box<lore_core::Freshness>>,
        may_verify: bool,
        verified: bool,
    },
    /// Every entry that needs checking, with its state and whether it has an owner, and
    /// this member's queue.
    FreshList {
        states: Vec<(String, lore_core::FreshState, bool)>,
        queue: Vec<lore_core::Freshness>,
    },
    /// This member's display name is now `name`.
    Named(String),
    /// What importing the files `paths` would do.
    ImportPreview {
        paths: Vec<PathBuf>,
        preview: Box<ImportPreview>,
    },
    /// An import was written: how many entries were created, updated, left unchanged, and
    /// how many the library holds now.
    Imported {
        entries: usize,
        created: usize,
        updated: usize,
        unchanged: usize,
    },
    /// A file (the template, an export) was written at `path`; an export says how many
    /// entries it holds.
    Wrote {
        path: PathBuf,
        entries: Option<usize>,
    },
}

/// What the Practice tab shows.
#[derive(Debug, Clone)]
pub struct PracticeView {
    /// Every training item (id, title), those assigned to this member first.
    pub items: Vec<(String, String)>,
    /// Sets a trainer can assign at once: the training items of each category.
    pub sets: Vec<(String, Vec<String>)>,
    /// This member's standing on each item assigned or practised.
    pub mine: Vec<lore_core::training::Cell>,
    /// What changed under this member's last result: (item, the entry that changed).
    pub stale: Vec<(String, lore_core::training::Changed)>,
    /// The trainer's grid, for admins and trainers.
    pub grid: Option<lore_core::training::Grid>,
}

/// What the Insights tab shows, and what this member may do there.
#[derive(Debug, Clone)]
pub struct InsightsView {
    pub days: u32,
    pub insights: lore_core::insights::Insights,
    /// Whether this member changes the query log setting (admins).
    pub admin: bool,
    /// The entries whose candidate phrasings this member decides on (owned, or all for
    /// a lead).
    pub decides: std::collections::BTreeSet<String>,
    /// This member's id (their own entries to check are marked).
    pub me: String,
    pub setting: lore_core::QueryLogSetting,
}

/// The board, the answers awaiting a decision and this member's own answers.
#[derive(Debug, Clone)]
pub struct CreditsView {
    pub days: u32,
    pub board: lore_core::credit::Board,
    /// Whether this member decides on answers (admins and trainers).
    pub lead: bool,
    pub queue: Vec<lore_core::AnswerItem>,
    pub mine: Vec<lore_core::AnswerItem>,
    /// Member id → name, for authors and copiers.
    pub names: Vec<(String, String)>,
}

/// The status bar's view of the node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetStatus {
    /// Whether the node runs.
    pub running: bool,
    /// How many peers are connected.
    pub peers: usize,
    /// Whether a session with any of them is under way.
    pub syncing: bool,
    /// Entries in the library now (a teammate's additions arrive by sync).
    pub entries: usize,
    /// The search index's last committed write: when it moves, new changes are
    /// searchable and the results are asked again.
    pub searchable: u64,
    /// A fingerprint of the team document's roster and name: it changes when a
    /// teammate's roster change arrives.
    pub roster: u64,
}

/// What rebuilding a damaged database did, as the status bar says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// Entries recovered.
    pub entries: usize,
    /// Entries lost (teammates send them back).
    pub lost: usize,
    /// The name of the damaged file, kept beside the library.
    pub kept: String,
}

/// A failure as the user is told it: the kind of problem (worded in the UI's language by
/// `i18n.rs`) and the detail as the library or the network said it, in English — ids,
/// paths and `FILE:LINE` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub problem: Problem,
    pub detail: String,
}

/// The kinds of failure an agent can meet in the app, each worded on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Another Lore process holds the library.
    Busy { pid: Option<u32> },
    /// No entry has this id.
    NotFound { id: String },
    /// Several entries start with this id.
    Ambiguous { prefix: String },
    /// This member's role does not allow it.
    Denied(lore_core::Denied),
    /// Another entry has this shortcode.
    ShortcodeTaken { shortcode: String, id: String },
    /// What was typed or asked for is not valid (the detail says how).
    Invalid,
    /// An import was refused, nothing written: this many problems, each with its
    /// `FILE:LINE` in the detail.
    Import { problems: usize },
    /// A GBK export met a character GBK cannot hold.
    NotInGbk { id: String, character: char },
    /// A Markdown export into a folder that already holds files.
    FolderNotEmpty,
    /// The invite was refused (unknown, used, expired, altered).
    InviteRefused,
    /// The text is not a ticket.
    NotATicket,
    /// The ticket lost or changed a character on the way.
    TicketDamaged,
    /// The ticket was altered after it was made.
    TicketAltered,
    /// The ticket has expired.
    TicketExpired,
    /// The ticket is for another team than the library here.
    TicketOtherTeam { ticket: String, library: String },
    /// A peer was refused, or refused this node.
    PeerRefused,
    /// The inviter or a peer could not be reached, or the connection broke.
    Network,
    /// The library file or an entry is damaged.
    Damaged,
    /// The library has no team document.
    MissingTeam,
    /// The disk: a file or folder that cannot be read or written, a full disk.
    Disk,
    /// The search index.
    Search,
    /// Anything else.
    Other,
}
