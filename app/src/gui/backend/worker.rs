//! The worker thread's state and loop: it takes jobs, runs each as one operation (the
//! operations live beside this file, by concept) and answers what came of it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use lore_core::Library;
use lore_sync::{Identity, Node};

use super::network::{Network, Serving};
use crate::gui::jobs::{Done, Job, NetStatus};
use crate::gui::places::Places;

/// How long the loop waits for a job before it looks at the node and the edited entry.
const IDLE: Duration = Duration::from_millis(500);

/// Everything the worker owns.
pub struct Worker {
    pub(super) data_dir: PathBuf,
    pub(super) network: Network,
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) identity: Identity,
    pub(super) node: Option<Arc<Node>>,
    pub(super) library: Option<Arc<Mutex<Library>>>,
    /// The local socket and the addresses for tickets, while a node runs.
    pub(super) serving: Option<Serving>,
    /// The status bar's state as last sent.
    pub(super) status: NetStatus,
    /// The entry being edited and the heads last reported to the editor.
    pub(super) watching: Option<(String, Vec<String>)>,
    /// Whether the data directory holds a display name (else the welcome screen asks).
    pub(super) named: bool,
    /// The secret of the last invite made here, to tell when its ticket was used.
    pub(super) invited: std::sync::Mutex<Option<String>>,
    /// Whether the open library is the demo's sandbox (`DATA_DIR/demo/`) instead of the
    /// team's.
    pub(super) sandbox: bool,
}

impl Worker {
    /// A worker on `data_dir` (created if missing), with this device's identity.
    pub fn new(data_dir: PathBuf, network: Network) -> Result<Worker> {
        lore_core::create_data_dir(&data_dir)?;
        let (identity, named) = Identity::load_unnamed(&data_dir)?;
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
            serving: None,
            status: NetStatus::default(),
            watching: None,
            named,
            invited: std::sync::Mutex::new(None),
            sandbox: false,
        })
    }

    /// Opens the library if there is one, then runs jobs until the UI lets go of the
    /// channel; between jobs it reports the edited entry's changes and the network state.
    /// Each batch of jobs is counted off with `handled` once their answers are sent.
    pub fn run(&mut self, jobs: &Receiver<Job>, send: &impl Fn(Done), handled: &impl Fn(usize)) {
        if self.data_dir.join(lore_core::DB_FILE).exists() {
            let opened = self.reopen();
            reply(opened, send);
        } else {
            send(Done::NeedsLibrary {
                name: self.named.then(|| self.identity.name().to_string()),
            });
        }
        loop {
            let first = match jobs.recv_timeout(IDLE) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let batch: Vec<Job> = first.into_iter().chain(jobs.try_iter()).collect();
            let asked = batch.len();
            for job in newest_search_only(batch) {
                let outcome = self.handle(job);
                reply(outcome, send);
            }
            handled(asked);
            if let Some(changed) = self.watch() {
                send(changed);
            }
            self.flush_questions();
            let status = self.net_status();
            if status != self.status {
                self.status = status.clone();
                send(Done::Status(status));
            }
        }
        self.close();
    }

    /// One job, one operation.
    fn handle(&mut self, job: Job) -> Result<Done> {
        match job {
            Job::Demo => self.open_demo(),
            Job::CloseDemo => self.close_demo(),
            Job::CreateTeam(name) => self.create_team(&name),
            Job::Join(ticket) => self.join(&ticket),
            Job::Search { seq, query } => self.search(seq, query),
            Job::Pick { seq, text } => self.pick(seq, &text),
            Job::Pin { id, pinned } => self.pin(&id, pinned),
            Job::Favourites => self.favourites(),
            Job::Titles(ids) => self.titles(&ids),
            Job::FindLinks(text) => self.find_links(&text),
            Job::Vocabulary => self.vocabulary(),
            Job::Show(id) => self.show(&id),
            Job::Reply { id, answer } => self.reply(&id, answer.as_deref()),
            Job::CopyText { id, text, answer } => self.copy(id, text, answer.as_deref()),
            Job::MarkSolved { key, solved } => self.mark_solved(&key, solved),
            Job::Authors(id) => self.authors(&id),
            Job::Practice => self.practice_view(),
            Job::Scenario(id) => self.scenario(&id),
            Job::Quiz { count } => self.quiz(count),
            Job::AnswerQuiz {
                questions,
                chosen,
                seconds,
            } => self.answer_quiz(&questions, &chosen, seconds),
            Job::Assign {
                items,
                to,
                due,
                pass,
            } => self.assign(&items, to, due, pass),
            Job::Attempt {
                id,
                replies,
                seconds,
            } => self.attempt(&id, &replies, seconds),
            Job::Credits { days } => self.credits(days),
            Job::CreditDetail { member, days } => self.credit_detail(&member, days),
            Job::Decide {
                id,
                answer,
                decision,
                days,
            } => self.decide(&id, &answer, decision, days),
            Job::Suggest { seq, text } => self.suggest(seq, &text),
            Job::History(id) => self.history(id),
            Job::Team => self.team(),
            Job::Api => self.api_view(),
            Job::ServeApi(port) => self.serve_api(port),
            Job::CreateToken { name, scope } => self.create_token(&name, scope),
            Job::RevokeToken(name) => self.revoke_token(&name),
            Job::Invite { role, hours } => self.invite(role, hours),
            Job::SetRole { member, role } => self.set_role(&member, role),
            Job::Remove(member) => self.remove(&member),
            Job::Edit(id) => self.edit(id),
            Job::Save { id, base, entry } => self.save(id, &base, *entry),
            Job::StopEditing => self.stop_editing(),
            Job::Answer { id, text } => self.contribute(&id, &text),
            Job::Adopt { id, answer } => self.adopt(&id, &answer),
            Job::SetName(name) => self.set_name(&name),
            Job::RenameTeam(name) => self.rename_team(&name),
            Job::PreviewImport(paths) => self.preview_import(paths),
            Job::Import(paths) => self.import(&paths),
            Job::SaveTemplate(path) => self.save_template(path),
            Job::Export { format, path } => self.export(format, path),
            Job::PlacePicker(at) => self.place_picker(at),
            Job::LogQuery { asked, text, after } => self.log_query(asked, &text, after),
            Job::Insights { days } => self.insights(days),
            Job::Phrasing {
                id,
                text,
                accept,
                days,
            } => self.phrasing(&id, &text, accept, days),
            Job::QueryLog { on, keep, days } => self.query_log(on, keep, days),
            Job::Report { days, path } => self.report(days, path),
            Job::Freshness(id) => self.freshness(&id, false),
            Job::Verify(id) => self.verify(&id),
            Job::FreshList => self.fresh_list(),
        }
    }

    /// Keeps where the agent left the quick picker, for its next opening and the next run.
    /// Nothing to tell the user: a failure is only logged.
    fn place_picker(&self, at: [f32; 2]) -> Result<Done> {
        let mut places = Places::load(&self.data_dir);
        places.picker = Some(at);
        if let Err(e) = places.save(&self.data_dir) {
            tracing::warn!("cannot remember the picker's place: {e:#}");
        }
        Ok(Done::Placed)
    }

    /// The open library, locked.
    pub(super) fn library(&self) -> Result<MutexGuard<'_, Library>> {
        self.library
            .as_ref()
            .ok_or_else(|| anyhow!("no library is open yet"))?
            .lock()
            .map_err(|_| anyhow!("the library lock was poisoned; restart Lore"))
    }

    /// Tells the node the library changed, so teammates get it now.
    pub(super) fn changed(&self) {
        if let Some(node) = &self.node {
            node.changed();
        }
    }

    /// Lets go of the library: the socket first (its listener holds the node and the
    /// library), then the node, then every handle.
    pub(super) fn close(&mut self) {
        self.serving = None;
        if let Some(node) = self.node.take() {
            self.runtime.block_on(node.stop());
        }
        self.library = None;
        self.watching = None;
    }

    fn net_status(&self) -> NetStatus {
        let (entries, roster, searchable) = match self.library() {
            Ok(mut library) => {
                let roster = library.team().map(|t| roster_fingerprint(&t)).unwrap_or(0);
                let searchable = library
                    .search_index()
                    .map(|index| index.committed_seq())
                    .unwrap_or(0);
                (library.len(), roster, searchable)
            }
            Err(_) => (0, 0, 0),
        };
        match &self.node {
            Some(node) => {
                let connected = node.connected();
                NetStatus {
                    running: true,
                    peers: connected.len(),
                    syncing: connected.iter().any(|c| c.syncing),
                    entries,
                    roster,
                    searchable,
                }
            }
            None => NetStatus {
                entries,
                roster,
                searchable,
                ..NetStatus::default()
            },
        }
    }
}

/// What the team panel shows of the team document, hashed: its name and every member's
/// name, role and standing.
fn roster_fingerprint(team: &lore_core::Team) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    team.name.hash(&mut hasher);
    for (id, m) in &team.members {
        (id, &m.name, m.role.as_str(), m.removed).hash(&mut hasher);
    }
    hasher.finish()
}

/// Sends what came of a job; a failure becomes a message for the user.
fn reply(outcome: Result<Done>, send: &impl Fn(Done)) {
    send(outcome.unwrap_or_else(|e| Done::Failed(super::failure::failure(&e))));
}

/// `batch` without the searches that a later search in it replaces: of the searches typed
/// meanwhile, only the newest runs.
fn newest_search_only(mut batch: Vec<Job>) -> Vec<Job> {
    let last_search = batch.iter().rposition(|j| matches!(j, Job::Search { .. }));
    let mut i = 0;
    batch.retain(|j| {
        i += 1;
        !matches!(j, Job::Search { .. }) || Some(i - 1) == last_search
    });
    batch
}
