//! Which library the app holds: opening the one in the data directory, filling a new one
//! (a new team), joining a team with a ticket — setting the open library aside when it
//! belongs to another team — and starting the node on it; or the demo's sandbox in
//! `DATA_DIR/demo/`, opened in place of the team's library with no node at all.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow, bail};
use lore_core::Library;
use lore_sync::{Node, Ticket};

use super::network::Serving;
use super::worker::Worker;
use crate::gui::jobs::{Done, Repaired};

/// The demo's sandbox, inside the data directory.
const SANDBOX_DIR: &str = "demo";

/// Why the sandbox does not invite or join.
pub(super) const SANDBOX_REFUSES: &str =
    "the demo library is a sandbox: it has no team to invite to or join from; close the demo first";

impl Worker {
    /// Opens the demo's sandbox in place of whatever library is open: a library of its own
    /// in `DATA_DIR/demo/`, filled with the built-in demo the first time and as it was left
    /// afterwards. No node runs on it (nothing of it reaches a teammate, nor does it reach
    /// any), and the team's library stays closed, unlocked and untouched until it closes.
    pub(super) fn open_demo(&mut self) -> Result<Done> {
        self.close();
        self.sandbox = true;
        let opened = self.open_sandbox();
        if let Err(e) = opened {
            // Carry on where the user was: the team's library, if there is one.
            self.close();
            self.sandbox = false;
            if self.data_dir.join(lore_core::DB_FILE).exists()
                && let Err(reopen) = self.reopen()
            {
                return Err(e.context(format!("reopening the team's library failed: {reopen:#}")));
            }
            return Err(e.context("the demo library could not be opened"));
        }
        opened
    }

    /// Closes the demo's sandbox: the team's library opens again if the data directory has
    /// one, else the welcome screen.
    pub(super) fn close_demo(&mut self) -> Result<Done> {
        self.close();
        self.sandbox = false;
        if self.data_dir.join(lore_core::DB_FILE).exists() {
            self.reopen()
        } else {
            Ok(Done::NeedsLibrary {
                name: self.named.then(|| self.identity.name().to_string()),
            })
        }
    }

    /// Where the demo's sandbox lives.
    fn sandbox_dir(&self) -> PathBuf {
        self.data_dir.join(SANDBOX_DIR)
    }

    /// Opens the sandbox's library (loading the demo when it is new or empty) with no node.
    fn open_sandbox(&mut self) -> Result<Done> {
        let dir = self.sandbox_dir();
        lore_core::create_data_dir(&dir)?;
        let new = !dir.join(lore_core::DB_FILE).exists();
        let mut library = Library::open(&dir, self.identity.writer())?;
        if new || library.is_empty() {
            lore_core::demo::load(&mut library, &mut |_, _| {})?;
        }
        self.library = Some(Arc::new(Mutex::new(library)));
        self.opened()
    }

    /// Makes a new library the library of team `name`, with this device as admin.
    pub(super) fn create_team(&mut self, name: &str) -> Result<Done> {
        self.open(|library| {
            library.create_team_named(name)?;
            Ok(())
        })
    }

    /// Opens the library in the data directory as it is (the sandbox while it is open).
    pub(super) fn reopen(&mut self) -> Result<Done> {
        if self.sandbox {
            return self.open_sandbox();
        }
        self.open(|_| Ok(()))
    }

    /// Joins the team of the ticket `text`: into this data directory when it has no
    /// library yet, else in place of the open library. The sandbox joins no team.
    pub(super) fn join(&mut self, text: &str) -> Result<Done> {
        if self.sandbox {
            bail!("{SANDBOX_REFUSES}");
        }
        let ticket: Ticket = text.parse()?;
        if self.library.is_some() {
            return self.switch_team(&ticket);
        }
        let node = self.join_node(&ticket)?;
        self.started(node)
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

    /// Presents `ticket` to the inviter and starts a node on the team's library.
    fn join_node(&self, ticket: &Ticket) -> Result<Node> {
        let (node, _) = self.runtime.block_on(lore_sync::join(
            ticket,
            &self.data_dir,
            &self.identity,
            self.network.options.clone(),
        ))?;
        Ok(node)
    }

    /// Takes over a started node: syncing, the local socket, the library handle.
    fn started(&mut self, node: Node) -> Result<Done> {
        let node = Arc::new(node);
        {
            let _guard = self.runtime.enter();
            node.start_syncing(self.network.every);
        }
        let mut serving = Serving::start(&self.data_dir, &node, &self.network);
        serving.start_api(&self.runtime, &self.data_dir, &node);
        self.serving = Some(serving);
        self.library = Some(node.library());
        self.node = Some(node);
        self.opened()
    }

    /// What the app is told of the library just opened.
    fn opened(&self) -> Result<Done> {
        let mut library = self.library()?;
        Ok(Done::Opened {
            entries: library.len(),
            team: library.team()?.name,
            repaired: library.repaired().map(|r| Repaired {
                entries: r.entries,
                lost: r.lost_entries.len(),
                kept: r
                    .moved_to
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            }),
            sandbox: self.sandbox,
        })
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
        self.close();
        let aside = lore_core::set_aside(&self.data_dir, &current.id)?;
        match self.join_node(ticket) {
            Ok(node) => self.started(node),
            Err(e) => {
                // Put the old library back as it was, and carry on with it.
                lore_core::put_back(&aside, &self.data_dir)?;
                let failed = e.context("joining the team failed; your library is as it was");
                match self.reopen() {
                    Ok(_) => Err(failed),
                    Err(reopen) => Err(failed.context(format!("reopening it failed: {reopen:#}"))),
                }
            }
        }
    }
}
