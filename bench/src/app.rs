//! `lore-bench app`: the desktop app's frame time while an agent types, on a generated
//! library, measured on the UI thread exactly as eframe drives it (the egui pass and
//! tessellation; drawing on the GPU is not the app's CPU time).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use lore_core::Library;

use crate::measure::{Scratch, latency};
use lore_app::gui::backend::Network;
use lore_app::gui::{Backend, Lang, LoreApp};

/// What the agent types, one character per frame pair.
const TYPED: &[&str] = &[
    "杯子碎了能退吗",
    "refund timeline",
    "#2",
    "tk",
    "发票怎么开",
];

pub fn run(n: usize) -> Result<ExitCode> {
    let scratch = Scratch::new("app")?;
    let dir = scratch.0.join("library");
    println!("app benchmark: frame time while typing, {n}-entry library");
    {
        lore_core::create_data_dir(&dir)?;
        let identity = lore_sync::Identity::load_or_create(&dir, Some("bench"))?;
        let mut library = Library::open(&dir, identity.writer())?;
        let items = crate::measure::generated_items(n, 7)?;
        library.import(items, &mut |_, _| {})?;
    }
    let ctx = egui::Context::default();
    lore_app::gui::fonts::install(&ctx);
    let backend = Backend::start(dir, Network::loopback(), ctx.clone());
    let mut app = LoreApp::new(&ctx, backend, Lang::Zh);
    let mut frame = |app: &mut LoreApp, events| one_frame(&ctx, app, events);
    // Open the library; warm up the glyph cache on the first results.
    let opened = Instant::now();
    while !app_ready(&mut frame, &mut app, &ctx) {
        if opened.elapsed() > Duration::from_secs(120) {
            bail!("the app did not open the library within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..30 {
        frame(&mut app, Vec::new());
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut samples = Vec::new();
    for text in TYPED {
        for c in text.chars() {
            samples.push(frame(&mut app, vec![egui::Event::Text(c.to_string())]));
            // Results arrive from the worker between keystrokes, as when a person types.
            for _ in 0..3 {
                std::thread::sleep(Duration::from_millis(15));
                samples.push(frame(&mut app, Vec::new()));
            }
        }
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(20));
            samples.push(frame(&mut app, Vec::new()));
        }
        let (query, results) = app.shown();
        if query != *text || results == 0 {
            bail!("typing {text:?} showed {results} results for {query:?}");
        }
        for _ in text.chars() {
            samples.push(frame(
                &mut app,
                vec![egui::Event::Key {
                    key: egui::Key::Backspace,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: egui::Modifiers::NONE,
                }],
            ));
            std::thread::sleep(Duration::from_millis(15));
            samples.push(frame(&mut app, Vec::new()));
        }
    }
    println!("{} frames", samples.len());
    let ok = latency("frame time while typing", &mut samples, 4.0, 4.0);
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One frame as eframe runs it: the egui pass and tessellation.
fn one_frame(ctx: &egui::Context, app: &mut LoreApp, events: Vec<egui::Event>) -> Duration {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1100.0, 720.0),
        )),
        events,
        ..Default::default()
    };
    let started = Instant::now();
    let mut output = ctx.run_ui(input, |ui| app.show(ui));
    let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
    let took = started.elapsed();
    // No GPU here to take the font atlas updates.
    output.textures_delta.clear();
    took
}

/// Runs a frame; whether the app shows the library (its search box has focus).
fn app_ready(
    frame: &mut impl FnMut(&mut LoreApp, Vec<egui::Event>) -> Duration,
    app: &mut LoreApp,
    ctx: &egui::Context,
) -> bool {
    frame(app, Vec::new());
    ctx.memory(|m| m.focused().is_some())
}
