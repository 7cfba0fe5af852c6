//! What other threads ask of the app's UI thread — the tray's menu, another `lore` on the
//! local socket — and how they wake it: a channel and a repaint, read in the app's logic
//! even while the window is hidden (`background.rs`). A leaf: the tray and the background
//! both use it.

use std::sync::mpsc::Sender;

/// What the tray or another `lore` process asks of the running app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Show the main window (and bring it to the front).
    ShowWindow,
    /// Open the quick picker.
    OpenPicker,
    /// Quit cleanly, as a stop signal does.
    Quit,
}

/// Hands a [`Wake`] to the UI thread from any thread, and wakes it.
#[derive(Debug, Clone)]
pub struct Waker {
    tx: Sender<Wake>,
    ctx: egui::Context,
}

impl Waker {
    /// A waker sending on `tx` and waking `ctx`.
    pub fn new(tx: Sender<Wake>, ctx: egui::Context) -> Waker {
        Waker { tx, ctx }
    }

    /// Asks the app for `wake`; the UI thread takes it on its next pass (the logic runs
    /// even while the window is hidden).
    pub fn wake(&self, wake: Wake) {
        let _ = self.tx.send(wake);
        self.ctx.request_repaint();
    }
}
