//! Lore in the background. Closing the main window hides it instead of quitting while the
//! quick picker's shortcut is registered (unless `config.toml` says `[app] close_to_tray =
//! false`): the shortcut, the tray icon and the node's syncing go on.
//!
//! A hidden or minimised window runs no UI pass, only [`eframe::App::logic`]; [`Background::
//! logic`] runs there. It takes the shortcut's presses, what the tray and other `lore`
//! processes ask for ([`Wake`]), and the window's close requests. To open the picker while
//! the window is hidden, the root is asked for one UI pass while hidden
//! ([`paint_while_hidden`]); from then on the picker's own window, a descendant of the
//! root, keeps the root's UI passes running while it shows.
//!
//! Quitting for real (a stop signal, 退出 in the tray) goes through [`Quit`], whose flag
//! tells a close that must go through from one that only hides the window.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::{ViewportCommand, ViewportId};

use super::hotkey::Hotkey;
use super::tray::Tray;
pub use super::wake::{Wake, Waker};

/// Quitting for real: a close asked for through it is never turned into hiding the window.
/// Cloned into whoever may ask (the signal handler, the tray).
#[derive(Debug, Clone, Default)]
pub struct Quit(Arc<AtomicBool>);

impl Quit {
    /// Closes the main window for good, from any thread: the window's `on_exit` then stops
    /// the worker (index committed, node stopped, socket removed, lock released). The
    /// repaint makes the UI thread run the pass that carries the close out even when
    /// nothing else moves, the window hidden included.
    pub fn now(&self, ctx: &egui::Context) {
        self.0.store(true, Ordering::SeqCst);
        ctx.send_viewport_cmd_to(ViewportId::ROOT, ViewportCommand::Close);
        ctx.request_repaint();
    }

    /// Whether quitting was asked for.
    pub fn asked(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What keeps Lore useful while its window is closed: the shortcut, the tray, and how a
/// close is taken.
pub struct Background {
    quit: Quit,
    /// `[app] close_to_tray` (default: on).
    close_to_tray: bool,
    hotkey: Option<Hotkey>,
    /// Kept for as long as the app runs: dropping it takes the icon away.
    tray: Option<Tray>,
    wakes: Receiver<Wake>,
    waker: Waker,
    /// Whether the window was hidden by a close (said in the log once).
    told: bool,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background")
            .field("close_to_tray", &self.close_to_tray)
            .field("hotkey", &self.hotkey)
            .finish()
    }
}

impl Background {
    /// The background of the window on `ctx`; `quit` is the flag stop signals use too.
    pub fn new(ctx: &egui::Context, quit: Quit, close_to_tray: bool) -> Background {
        let (tx, wakes) = channel();
        Background {
            quit,
            close_to_tray,
            hotkey: None,
            tray: None,
            wakes,
            waker: Waker::new(tx, ctx.clone()),
            told: false,
        }
    }

    /// With the picker's system-wide shortcut.
    pub fn with_hotkey(mut self, hotkey: Hotkey) -> Background {
        self.hotkey = Some(hotkey);
        self
    }

    /// With the tray icon.
    pub fn with_tray(mut self, tray: Tray) -> Background {
        self.tray = Some(tray);
        self
    }

    /// How other threads (the tray, the local socket) reach the app.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Whether closing the window hides it: only while the shortcut can bring the picker
    /// back, and unless the configuration says otherwise.
    pub fn keeps_running(&self) -> bool {
        self.close_to_tray && self.hotkey.is_some()
    }

    /// Runs in every pass of the root, shown or hidden (`eframe::App::logic`): shows the
    /// window, quits, or hides the window instead of closing it, as asked. Returns whether
    /// the picker should open.
    pub fn logic(&mut self, ctx: &egui::Context) -> bool {
        let mut picker = self.hotkey.as_ref().is_some_and(Hotkey::pressed);
        for wake in self.wakes.try_iter() {
            match wake {
                Wake::ShowWindow => show_window(ctx),
                Wake::OpenPicker => picker = true,
                Wake::Quit => self.quit.now(ctx),
            }
        }
        let closing = ctx.input(|i| i.viewport().close_requested());
        if closing && !self.quit.asked() && self.keeps_running() {
            ctx.send_viewport_cmd_to(ViewportId::ROOT, ViewportCommand::CancelClose);
            ctx.send_viewport_cmd_to(ViewportId::ROOT, ViewportCommand::Visible(false));
            if !std::mem::replace(&mut self.told, true) {
                tracing::info!(
                    "the window is closed; Lore keeps running in the background (the quick \
                     picker's shortcut, the tray icon, syncing). Quit from the tray or set \
                     `[app] close_to_tray = false` in config.toml"
                );
            }
        }
        picker
    }
}

/// Shows the main window again and brings it to the front (from the tray, the picker's
/// button, another `lore`).
pub fn show_window(ctx: &egui::Context) {
    for command in [
        ViewportCommand::Visible(true),
        ViewportCommand::Minimized(false),
        ViewportCommand::Focus,
    ] {
        ctx.send_viewport_cmd_to(ViewportId::ROOT, command);
    }
    ctx.request_repaint();
}

/// Makes the root's next pass a full one even while its window is hidden or minimised, so
/// the picker's window, drawn from it, can appear.
pub fn paint_while_hidden(ctx: &egui::Context) {
    ctx.send_viewport_cmd_to(ViewportId::ROOT, ViewportCommand::RequestPaintWhileHidden);
    ctx.request_repaint();
}
