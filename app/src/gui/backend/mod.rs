//! The app's worker: owns the library and the embedded sync node, and does every piece of
//! disk, search and network work off the UI thread. The UI sends [`Job`]s and reads
//! [`Done`]s; each answer wakes the UI.
//!
//! `worker.rs` runs the loop and dispatches each job to an operation: opening, joining and
//! switching libraries (`library.rs`), entries and search (`entries.rs`), the team and its
//! roster and this member's name (`team.rs`), import and export (`exchange.rs`).
//! `network.rs` holds the node's settings and local socket; `failure.rs` tells what kind
//! of problem a failed job met, for the UI to word.

mod api;
mod credit;
mod entries;
mod exchange;
mod failure;
mod fresh;
mod insights;
mod library;
mod network;
mod practice;
mod team;
mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

pub use network::Network;

use super::jobs::{Done, Job};
use worker::Worker;

/// The UI's handle on the worker. Dropping it stops the node and releases the library.
pub struct Backend {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    thread: Option<JoinHandle<()>>,
    /// Jobs asked and not yet handled, and answers sent and not yet read: both nought
    /// when nothing the UI asked for can still change what it shows.
    pending: Arc<AtomicUsize>,
    unread: Arc<AtomicUsize>,
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
        let pending = Arc::new(AtomicUsize::new(0));
        let unread = Arc::new(AtomicUsize::new(0));
        let (handled, sent) = (pending.clone(), unread.clone());
        let thread = std::thread::Builder::new()
            .name("lore-worker".into())
            .spawn(move || {
                let wake = ui.clone();
                // Counted before it is sent, so it is never read before it is counted.
                let send = move |d: Done| {
                    sent.fetch_add(1, Ordering::SeqCst);
                    let _ = done_tx.send(d);
                    wake.request_repaint();
                };
                // Counted off after the answers are sent: see `settled`.
                let handled_n = |n: usize| {
                    handled.fetch_sub(n, Ordering::SeqCst);
                };
                match Worker::new(data_dir, network) {
                    Ok(mut worker) => worker.run(&job_rx, &send, &handled_n),
                    Err(e) => {
                        drop(job_rx);
                        handled.store(0, Ordering::SeqCst);
                        send(Done::Failed(failure::failure(&e)));
                    }
                }
            })
            .ok();
        Backend {
            jobs: Some(jobs),
            done,
            thread,
            pending,
            unread,
        }
    }

    /// Asks the worker for something.
    pub fn ask(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            self.pending.fetch_add(1, Ordering::SeqCst);
            if jobs.send(job).is_err() {
                self.pending.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// The answers that arrived since the last call.
    pub fn answers(&self) -> Vec<Done> {
        let answers: Vec<Done> = self.done.try_iter().collect();
        self.unread.fetch_sub(answers.len(), Ordering::SeqCst);
        answers
    }

    /// Whether every job asked has been answered and every answer read. The worker sends
    /// a job's answers before it counts the job off, so once none is pending, all their
    /// answers are counted as unread until the UI takes them. Asking happens on the UI's
    /// thread only, so between frames this cannot change but by a report of the worker's
    /// own (the network's state, a teammate's change).
    pub fn settled(&self) -> bool {
        self.pending.load(Ordering::SeqCst) == 0 && self.unread.load(Ordering::SeqCst) == 0
    }

    /// Stops the worker and waits for it: it commits the index, stops the node, removes
    /// the local socket and releases the library. Asking for anything afterwards does
    /// nothing. Dropping the backend does the same.
    pub fn stop(&mut self) {
        // Closing the channel ends the worker's loop; it stops the node before it returns.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop();
    }
}
