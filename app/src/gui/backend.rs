//! The app's worker: owns the library and the embedded sync node, and does every piece of
//! disk, search and network work off the UI thread. The UI sends [`Job`]s and reads
//! [`Done`]s; each answer wakes the UI.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use lore_core::{Entry, Hit, Kind, Library, ListFilter, Role, SearchRequest};
use lore_sync::{Identity, Node, Options, Ticket};

use crate::cli::config;
use crate::cli::local::{self, Served, SocketFile};

/// How the embedded node reaches the team.
#[derive(Debug, Clone)]
pub struct Network {
    pub options: Options,
    pub every: Duration,
}

impl Network {
    /// From the data directory's config.toml, like `lore serve`.
    pub fn from_config(dir: &Path) -> Result<Network> {
        let (options, every) = config::options(
            dir,
            &crate::cli::args::Network::default(),
            config::default_listen(),
        )?;
        Ok(Network {
            options,
            every: Duration::from_secs(every),
        })
    }

    /// Loopback only, any free port, no mDNS: for tests.
    pub fn loopback() -> Network {
        Network {
            options: Options::direct(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
            every: Duration::from_secs(10),
        }
    }
}

/// What the UI asks for.
#[derive(Debug, Clone)]
pub enum Job {
    /// Load the built-in demo library into this (new) data directory.
    Demo,
    /// Make a new library the library of team `name`, with this device as admin.
    CreateTeam(String),
    /// Join a team with a ticket.
    Join(String),
    /// Search (`seq` orders answers: only the newest is shown).
    Search {
        seq: u64,
        text: String,
        kind: Option<Kind>,
        category: Option<String>,
        tag: Option<String>,
    },
    /// The team's categories and tags, for the filters.
    Vocabulary,
    /// Open an entry.
    Show(String),
    /// Copy an entry's reply: counted as a use in this member's ledger.
    Copy(String),
    /// Suggestions for a whole customer message.
    Suggest { seq: u64, text: String },
    /// Who changed an entry, when, and what.
    History(String),
    /// The roster, this device's role and the peers.
    Team,
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
}

/// One change of an entry's history, newest first in lists: who, when (ms since the
/// epoch), what.
pub type Changed = (String, i64, String);

/// A teammate as the team panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Teammate {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub you: bool,
    pub connected: bool,
    /// Last sync with this member's device (ms since the epoch; 0: never).
    pub last_sync: i64,
}

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Done {
    /// No library in the data directory yet: the welcome screen.
    NeedsLibrary,
    /// The library is open and the node runs.
    Opened {
        entries: usize,
        team: String,
    },
    Hits {
        seq: u64,
        hits: Vec<Hit>,
    },
    Entry(Box<Entry>),
    Copied {
        id: String,
        text: String,
        uses: u64,
    },
    Suggestions {
        seq: u64,
        hits: Vec<Hit>,
    },
    History {
        id: String,
        changes: Vec<Changed>,
    },
    Team {
        name: String,
        my_role: Role,
        members: Vec<Teammate>,
    },
    Ticket {
        text: String,
        role: Role,
        expires_at: i64,
    },
    /// A change was made (roster): the message says what.
    Done(String),
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
    /// Something failed; the message says what.
    Failed(String),
}

/// The status bar's view of the node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetStatus {
    pub running: bool,
    pub peers: usize,
    pub syncing: bool,
}

/// The UI's handle on the worker. Dropping it stops the node and releases the library.
pub struct Backend {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish()
    }
}

impl Backend {
    /// Starts the worker for `data_dir`; it opens the library at once if there is one.
    pub fn start(data_dir: PathBuf, network: Network, ui: egui::Context) -> Backend {
        let (jobs, job_rx) = channel();
        let (done_tx, done) = channel();
        let thread = std::thread::Builder::new()
            .name("lore-worker".into())
            .spawn(move || {
                let wake = ui.clone();
                let send = move |d: Done| {
                    let _ = done_tx.send(d);
                    wake.request_repaint();
                };
                match Worker::new(data_dir, network) {
                    Ok(mut worker) => worker.run(&job_rx, &send),
                    Err(e) => send(Done::Failed(format!("{e:#}"))),
                }
            })
            .ok();
        Backend {
            jobs: Some(jobs),
            done,
            thread,
        }
    }

    /// Asks the worker for something.
    pub fn ask(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    /// The answers that arrived since the last call.
    pub fn answers(&self) -> Vec<Done> {
        self.done.try_iter().collect()
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Worker {
    data_dir: PathBuf,
    network: Network,
    runtime: tokio::runtime::Runtime,
    identity: Identity,
    node: Option<Arc<Node>>,
    library: Option<Arc<Mutex<Library>>>,
    _socket: Option<SocketFile>,
    status: NetStatus,
    /// Where teammates reach this node (for tickets).
    reachable: Vec<std::net::SocketAddr>,
    /// The entry being edited and the heads last reported to the editor.
    watching: Option<(String, Vec<String>)>,
}

impl Worker {
    fn new(data_dir: PathBuf, network: Network) -> Result<Worker> {
        lore_core::create_data_dir(&data_dir)?;
        let identity = Identity::load_or_create(&data_dir, None)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the network runtime")?;
        Ok(Worker {
            data_dir,
            network,
            runtime,
            identity,
            node: None,
            library: None,
            _socket: None,
            status: NetStatus::default(),
            reachable: Vec::new(),
            watching: None,
        })
    }

    fn run(&mut self, jobs: &Receiver<Job>, send: &impl Fn(Done)) {
        if self.data_dir.join(lore_core::DB_FILE).exists() {
            let opened = self.open(|_| Ok(()));
            self.answer(opened, send);
        } else {
            send(Done::NeedsLibrary);
        }
        loop {
            let first = match jobs.recv_timeout(Duration::from_millis(500)) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            // Of the searches typed meanwhile, only the newest runs.
            let mut batch: Vec<Job> = first.into_iter().chain(jobs.try_iter()).collect();
            let last_search = batch.iter().rposition(|j| matches!(j, Job::Search { .. }));
            let mut i = 0;
            batch.retain(|j| {
                i += 1;
                !matches!(j, Job::Search { .. }) || Some(i - 1) == last_search
            });
            for job in batch {
                let outcome = self.handle(job);
                self.answer(outcome, send);
            }
            if let Some(changed) = self.watch() {
                send(changed);
            }
            let status = self.net_status();
            if status != self.status {
                self.status = status.clone();
                send(Done::Status(status));
            }
        }
        // The socket first: its listener holds the node and the library.
        self._socket = None;
        if let Some(node) = self.node.take() {
            self.runtime.block_on(node.stop());
        }
    }

    fn answer(&self, outcome: Result<Done>, send: &impl Fn(Done)) {
        send(outcome.unwrap_or_else(|e| Done::Failed(format!("{e:#}"))));
    }

    fn net_status(&self) -> NetStatus {
        match &self.node {
            Some(node) => {
                let connected = node.connected();
                NetStatus {
                    running: true,
                    peers: connected.len(),
                    syncing: connected.iter().any(|c| c.syncing),
                }
            }
            None => NetStatus::default(),
        }
    }

    fn library(&self) -> Result<std::sync::MutexGuard<'_, Library>> {
        self.library
            .as_ref()
            .ok_or_else(|| anyhow!("no library is open yet"))?
            .lock()
            .map_err(|_| anyhow!("the library lock was poisoned; restart Lore"))
    }

    /// Opens (or creates) the library, lets `prepare` fill it, and starts the node and the
    /// local socket for `lore` commands.
    fn open(&mut self, prepare: impl FnOnce(&mut Library) -> Result<()>) -> Result<Done> {
        let mut library = Library::open(&self.data_dir, self.identity.writer())?;
        prepare(&mut library)?;
        let node = self.runtime.block_on(Node::start(
            library,
            &self.identity,
            self.network.options.clone(),
        ))?;
        self.started(node)
    }

    fn started(&mut self, node: Node) -> Result<Done> {
        let node = Arc::new(node);
        {
            let _guard = self.runtime.enter();
            node.start_syncing(self.network.every);
        }
        let listening: Vec<std::net::SocketAddr> = node.addr().ip_addrs().copied().collect();
        self.reachable = listening
            .iter()
            .flat_map(|a| crate::cli::net::reachable(*a))
            .collect();
        let served = Arc::new(Served {
            data_dir: self.data_dir.clone(),
            library: node.library(),
            node: node.clone(),
            reachable: self.reachable.clone(),
            relay: self.network.options.relay.as_ref().map(ToString::to_string),
        });
        self._socket = local::listen(served).ok();
        self.library = Some(node.library());
        self.node = Some(node);
        let mut library = self.library()?;
        Ok(Done::Opened {
            entries: library.len(),
            team: library.team()?.name,
        })
    }

    fn handle(&mut self, job: Job) -> Result<Done> {
        match job {
            Job::Demo => self.open(|library| {
                lore_core::demo::load(library, &mut |_, _| {})?;
                Ok(())
            }),
            Job::CreateTeam(name) => self.open(|library| {
                library.create_team_named(&name)?;
                Ok(())
            }),
            Job::Join(text) => {
                let ticket: Ticket = text.parse()?;
                if self.library.is_some() {
                    return self.switch_team(&ticket);
                }
                let (node, _) = self.runtime.block_on(lore_sync::join(
                    &ticket,
                    &self.data_dir,
                    &self.identity,
                    self.network.options.clone(),
                ))?;
                self.started(node)
            }
            Job::Vocabulary => {
                let lore_core::Vocabulary { categories, tags } = self.library()?.vocabulary();
                Ok(Done::Vocabulary { categories, tags })
            }
            Job::Search {
                seq,
                text,
                kind,
                category,
                tag,
            } => {
                let mut library = self.library()?;
                let hits = if text.trim().is_empty() {
                    // Nothing typed: the library by title.
                    library
                        .list(&ListFilter {
                            kind,
                            tag: tag.clone(),
                            category: category.clone(),
                            ..ListFilter::default()
                        })
                        .into_iter()
                        .map(|row| Hit {
                            id: row.id.clone(),
                            kind: row.kind,
                            title: row.title.clone(),
                            score: 0.0,
                            snippet: String::new(),
                        })
                        .collect()
                } else {
                    library.search(&SearchRequest {
                        text,
                        kind,
                        tag,
                        category,
                        status: None,
                        limit: 50,
                    })?
                };
                Ok(Done::Hits { seq, hits })
            }
            Job::Show(id) => Ok(Done::Entry(Box::new(self.library()?.get(&id)?))),
            Job::Copy(id) => {
                let (text, uses) = {
                    let mut library = self.library()?;
                    let entry = library.get(&id)?;
                    (entry.reply_text().to_string(), library.record_use(&id)?)
                };
                if let Some(node) = &self.node {
                    node.changed();
                }
                Ok(Done::Copied { id, text, uses })
            }
            Job::Suggest { seq, text } => Ok(Done::Suggestions {
                seq,
                hits: self.library()?.suggest(&text, 8)?,
            }),
            Job::History(id) => {
                let mut library = self.library()?;
                let team = library.team()?;
                let changes = library
                    .history(&id)?
                    .into_iter()
                    .rev()
                    .map(|c| (team.member_name(&c.member), c.time, c.summary))
                    .collect();
                Ok(Done::History { id, changes })
            }
            Job::Team => self.team(),
            Job::Invite { role, hours } => {
                let mut library = self.library()?;
                let invite = library.create_invite(role, i64::from(hours) * 3_600_000)?;
                let team = library.team()?;
                let ticket = Ticket::for_invite(
                    &team,
                    &library.writer().member,
                    self.reachable.clone(),
                    self.network.options.relay.as_ref().map(ToString::to_string),
                    &invite,
                );
                Ok(Done::Ticket {
                    text: ticket.to_string(),
                    role,
                    expires_at: ticket.expires_at,
                })
            }
            Job::SetRole { member, role } => {
                let changed = self.library()?.set_role(&member, role)?;
                self.changed();
                Ok(Done::Done(format!("{} → {}", changed.name, changed.role)))
            }
            Job::Edit(id) => {
                let mut library = self.library()?;
                let (entry, heads) = library.get_versioned(&id)?;
                let tags = library.vocabulary().tags;
                drop(library);
                self.watching = Some((id, heads.clone()));
                Ok(Done::Editing {
                    entry: Box::new(entry),
                    heads,
                    tags,
                })
            }
            Job::Save { id, base, entry } => {
                let (entry, heads, own) = {
                    let mut library = self.library()?;
                    match id {
                        Some(id) => library.edit_since(&id, &base, *entry)?,
                        None => {
                            let id = library.add(*entry)?;
                            let (entry, heads) = library.get_versioned(&id)?;
                            (entry, heads.clone(), heads)
                        }
                    }
                };
                self.watching = Some((entry.id.clone(), heads.clone()));
                self.changed();
                Ok(Done::Saved {
                    entry: Box::new(entry),
                    heads,
                    own,
                })
            }
            Job::Answer { id, text } => {
                let entry = self.library()?.contribute_answer(&id, &text)?;
                self.changed();
                Ok(Done::Entry(Box::new(entry)))
            }
            Job::Adopt { id, answer } => {
                let entry = self.library()?.adopt_answer(&id, &answer)?;
                self.changed();
                Ok(Done::Entry(Box::new(entry)))
            }
            Job::StopEditing => {
                self.watching = None;
                Ok(Done::Status(self.status.clone()))
            }
            Job::Remove(member) => {
                let removed = self.library()?.remove_member(&member)?;
                self.changed();
                Ok(Done::Done(format!("− {}", removed.name)))
            }
        }
    }

    /// Joins the team of `ticket` while another team's library is open: that library is
    /// set aside (kept whole in `DATA_DIR/previous/`) and the new team's library takes its
    /// place. If joining fails, the old library is put back and opened again.
    fn switch_team(&mut self, ticket: &Ticket) -> Result<Done> {
        let current = self.library()?.team()?;
        if current.id == ticket.team {
            return Err(anyhow!(
                "this library already belongs to team “{}”; the ticket is for a new device",
                current.name
            ));
        }
        // Let go of the library: the socket, the node, every handle.
        self._socket = None;
        if let Some(node) = self.node.take() {
            self.runtime.block_on(node.stop());
        }
        self.library = None;
        let aside = lore_core::set_aside(&self.data_dir, &current.id)?;
        let joined = self.runtime.block_on(lore_sync::join(
            ticket,
            &self.data_dir,
            &self.identity,
            self.network.options.clone(),
        ));
        match joined {
            Ok((node, _)) => self.started(node),
            Err(e) => {
                // Put the old library back as it was, and carry on with it.
                lore_core::put_back(&aside, &self.data_dir)?;
                let failed = anyhow::Error::new(e)
                    .context("joining the team failed; your library is as it was");
                match self.open(|_| Ok(())) {
                    Ok(_) => Err(failed),
                    Err(reopen) => Err(failed.context(format!("reopening it failed: {reopen:#}"))),
                }
            }
        }
    }

    fn changed(&self) {
        if let Some(node) = &self.node {
            node.changed();
        }
    }

    /// The entry being edited, if it changed since the editor last heard of it.
    fn watch(&mut self) -> Option<Done> {
        let (id, heads) = self.watching.clone()?;
        // Heads first: the entry is read only when they moved.
        let mut library = self.library().ok()?;
        if library.entry_heads(&id).ok()? == heads {
            return None;
        }
        let (entry, now) = library.get_versioned(&id).ok()?;
        drop(library);
        self.watching = Some((id, now.clone()));
        Some(Done::Changed {
            entry: Box::new(entry),
            heads: now,
        })
    }

    fn team(&self) -> Result<Done> {
        let connected: Vec<String> = self
            .node
            .as_ref()
            .map(|n| n.connected().into_iter().map(|c| c.member).collect())
            .unwrap_or_default();
        let mut library = self.library()?;
        let team = library.team()?;
        let me = library.writer().member.clone();
        let peers = library.known_peers()?;
        let mut members: Vec<Teammate> = team
            .members
            .values()
            .filter(|m| !m.removed)
            .map(|m| Teammate {
                id: m.id.clone(),
                name: m.name.clone(),
                role: m.role,
                you: m.id == me,
                connected: connected.contains(&m.id),
                last_sync: peers
                    .iter()
                    .find(|p| p.member == m.id)
                    .map_or(0, |p| p.last_sync),
            })
            .collect();
        members.sort_by(|a, b| b.you.cmp(&a.you).then(a.name.cmp(&b.name)));
        Ok(Done::Team {
            name: team.name,
            my_role: library.my_role()?,
            members,
        })
    }
}
