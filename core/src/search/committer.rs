//! The background committer: makes index changes searchable within moments, and commits
//! the last of them when the library closes.

use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use super::{COMMIT_EVERY, SearchIndex};

/// Commits pending index changes in the background, so a change is searchable within
/// [`COMMIT_EVERY`] plus a commit; the last commit happens when it is dropped.
pub struct Committer {
    index: Arc<SearchIndex>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    /// Starts committing `index` in the background.
    pub fn start(index: Arc<SearchIndex>) -> Committer {
        let (stop, stopped) = mpsc::channel::<()>();
        let background = index.clone();
        let thread = std::thread::Builder::new()
            .name("lore-index-commit".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(COMMIT_EVERY)
                {
                    if background.pending.lock().is_ok_and(|p| p.rebuilding) {
                        continue;
                    }
                    // A failed commit is retried on the next tick and on drop.
                    let _ = background.commit();
                }
            })
            .ok();
        Committer {
            index,
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let _ = self.index.close();
    }
}
