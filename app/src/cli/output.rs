//! Printing: JSON lines for scripts, plain text for people.

use std::io::Read;

use anyhow::{Context as _, Result};
use chrono::TimeZone;
use lore_core::{Entry, Team};
use serde::Serialize;

/// Prints a line to stdout. When the reader has gone (`lore list | head`), the program
/// ends quietly instead of failing on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Prints a line for the person at the terminal (stderr): notes, warnings, progress.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::output::write_note(format_args!($($arg)*))
    };
}
pub(crate) use note;

/// What a command run for another process printed, and the input it was given.
#[derive(Debug, Default)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
    pub stdin: Option<String>,
}

thread_local! {
    /// Set while this thread runs a command for a `lore` process on the local socket.
    static CAPTURE: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with its output collected instead of printed, and `stdin` as its standard input.
pub fn capture<R>(stdin: Option<String>, f: impl FnOnce() -> R) -> (R, Captured) {
    CAPTURE.with(|c| {
        *c.borrow_mut() = Some(Captured {
            stdin,
            ..Captured::default()
        });
    });
    let result = f();
    let captured = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (result, captured)
}

/// Appends to the captured output, if this thread captures; returns whether it did.
fn captured(f: impl FnOnce(&mut Captured)) -> bool {
    CAPTURE.with(|c| match c.borrow_mut().as_mut() {
        Some(captured) => {
            f(captured);
            true
        }
        None => false,
    })
}

/// Whether output goes to a terminal (never, when captured).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    !captured(|_| ()) && std::io::stdout().is_terminal()
}

/// Whether notes go to a terminal (never, when captured).
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    !captured(|_| ()) && std::io::stderr().is_terminal()
}

/// The body of [`say!`].
pub fn write_line(args: std::fmt::Arguments<'_>) {
    use std::fmt::Write as _;
    use std::io::Write;
    if captured(|c| {
        let _ = writeln!(c.stdout, "{args}");
    }) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// The body of [`note!`].
pub fn write_note(args: std::fmt::Arguments<'_>) {
    use std::fmt::Write as _;
    if !captured(|c| {
        let _ = writeln!(c.stderr, "{args}");
    }) {
        eprintln!("{args}");
    }
}

/// All of standard input (the caller's, when captured).
pub fn read_stdin() -> Result<String> {
    if let Some(text) = CAPTURE.with(|c| c.borrow_mut().as_mut().map(|c| c.stdin.take())) {
        return Ok(text.unwrap_or_default());
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading standard input")?;
    Ok(text)
}

/// Prints one JSON object on its own line.
pub fn json_line(value: &impl Serialize) -> Result<()> {
    say!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Milliseconds since the epoch as local date and time.
pub fn local_time(ms: i64) -> String {
    match chrono::Local.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        None => "-".to_string(),
    }
}

/// `-` means standard input; anything else is the text itself.
pub fn text_arg(value: String) -> Result<String> {
    if value == "-" {
        Ok(read_stdin()?.trim_end().to_string())
    } else {
        Ok(value)
    }
}

/// An entry for a person to read.
pub fn entry_text(e: &Entry, team: &Team) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(e.title.clone());
    let mut facts = vec![format!("{}", e.kind), e.status.to_string()];
    if e.internal {
        facts.push("internal".into());
    }
    line(format!("[{}]  id: {}", facts.join(" · "), e.id));
    if !e.shortcode.is_empty() {
        line(format!("shortcode: {}", e.shortcode));
    }
    if !e.category.is_empty() {
        line(format!("category: {}", e.category));
    }
    if !e.tags.is_empty() {
        line(format!("tags: {}", e.tags.join(", ")));
    }
    if !e.body.is_empty() {
        line(String::new());
        line(e.body.clone());
    }
    let list = |title: &str, items: &[String]| -> String {
        let mut s = format!("\n{title}:\n");
        for item in items {
            s.push_str(&format!("  - {item}\n"));
        }
        s.trim_end().to_string()
    };
    if !e.questions.is_empty() {
        line(list("Also asked as", &e.questions));
    }
    if !e.persona.is_empty() {
        line(format!("\nPersona: {}", e.persona));
    }
    if !e.opening.is_empty() {
        line(format!("Opening: {}", e.opening));
    }
    if !e.turns.is_empty() {
        line(list("Customer turns", &e.turns));
    }
    if !e.key_points.is_empty() {
        line(list("Key points", &e.key_points));
    }
    if !e.links.is_empty() {
        line(list("Linked entries", &e.links));
    }
    if !e.answers.is_empty() {
        line("\nContributed answers:".into());
        for a in &e.answers {
            let mark = if a.adopted { "★ adopted" } else { " " };
            line(format!(
                "  [{}] {} — {} {}\n      {}",
                a.id,
                team.member_name(&a.author),
                local_time(a.time),
                mark,
                a.text.replace('\n', "\n      ")
            ));
        }
    }
    out.trim_end().to_string()
}

/// The end of day `date` (YYYY-MM-DD) in local time, ms since the epoch.
pub fn end_of_day(date: &str) -> Option<i64> {
    let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let end = day.and_hms_opt(23, 59, 59)?;
    chrono::Local
        .from_local_datetime(&end)
        .earliest()
        .map(|t| t.timestamp_millis())
}
