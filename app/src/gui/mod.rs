//! The desktop app: eframe/egui on top of the library and an embedded sync node.
//!
//! The UI thread only draws and reads user input. Everything that touches the disk, the
//! search index or the network runs on the backend's worker thread (`backend/`), which
//! answers with messages (`jobs.rs`) the UI picks up on its next frame.
//!
//! Modules depend one way, leaves first: `i18n`, `fonts`, `jobs`, `clipboard`, `widgets`
//! → `editor` → `panels` (the search and message panels use the entry pane) → `app`;
//! `jobs`, `places` → `backend` → `app`; `wake` → `tray`; `hotkey`, `tray` → `background` → `app`
//! (the window closed into the background: shortcut, tray icon, a close that only hides).
//! Nothing imports what imports it.

mod app;
mod asked;
pub mod backend;
pub mod background;
mod clipboard;
mod editor;
pub mod fonts;
pub mod hotkey;
pub mod i18n;
pub mod jobs;
mod panels;
pub mod places;
pub mod tray;
pub mod wake;
mod widgets;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};

pub use app::LoreApp;
pub use backend::Backend;
pub use i18n::Lang;

/// Opens the app's window on the library in `data_dir`.
pub fn run(data_dir: PathBuf) -> Result<ExitCode> {
    // What the app has to say (no tray on this desktop, no shortcut) goes to stderr, as the
    // node's log does in `lore serve`.
    crate::cli::init_logging();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lore")
            .with_inner_size([1100.0, 720.0])
            .with_min_inner_size([400.0, 360.0]),
        ..Default::default()
    };
    // Lore runs on this library already (its window maybe closed into the background):
    // that one shows its window, and this process is not needed.
    if let Some(shown) = crate::cli::local::show_window(&data_dir) {
        shown?;
        eprintln!(
            "Lore is already running on {}; its window is shown",
            data_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let network = backend::Network::from_config(&data_dir)?;
    let config = crate::cli::config::Config::load(&data_dir)?.app;
    let shortcut = config
        .picker_hotkey
        .unwrap_or_else(|| hotkey::DEFAULT.to_string());
    let close_to_tray = config.close_to_tray.unwrap_or(true);
    let picker_at = places::Places::load(&data_dir).picker;
    // SIGTERM, SIGHUP and Ctrl-C close the window for good (never only hiding it), so the
    // worker shuts down cleanly (index committed, node stopped, socket removed, lock
    // released). The handlers go in before the window opens; a signal that comes before
    // the window closes it as soon as it is there.
    let quit = background::Quit::default();
    let (window_tx, window) = std::sync::mpsc::channel::<egui::Context>();
    let quitting = quit.clone();
    crate::signals::on_stop(move |_signal| {
        if let Ok(ctx) = window.recv() {
            quitting.now(&ctx);
        }
    })?;
    eframe::run_native(
        "Lore",
        options,
        Box::new(move |cc| {
            let _ = window_tx.send(cc.egui_ctx.clone());
            let ctx = &cc.egui_ctx;
            let lang = Lang::from_env();
            let mut background = background::Background::new(ctx, quit, close_to_tray);
            if !shortcut.trim().is_empty() {
                match hotkey::Hotkey::register(&shortcut, ctx.clone()) {
                    Ok(hotkey) => background = background.with_hotkey(hotkey),
                    Err(e) => tracing::warn!("the quick picker has no shortcut: {e}"),
                }
            }
            // The tray is the way back to a window closed into the background.
            if background.keeps_running() {
                let tray = tray::Tray::start(lang, background.waker());
                background = background.with_tray(tray);
            }
            let waker = background.waker();
            let network = network.with_raise(move || waker.wake(background::Wake::ShowWindow));
            let backend = Backend::start(data_dir, network, ctx.clone());
            let app = LoreApp::new(ctx, backend, lang)
                .with_picker_at(picker_at)
                .with_background(background);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        anyhow!(
            "cannot open the Lore window ({e}); is there a display? The command line works \
             without one: `lore --help`"
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
