//! The system clipboard, remembered: what the app last copied can be read back (the tests
//! read it; the system clipboard cannot be read in a test).

/// Copies text and remembers the last copy.
#[derive(Debug, Default)]
pub struct Clipboard {
    last: Option<String>,
}

impl Clipboard {
    /// Puts `text` on the system clipboard.
    pub fn copy(&mut self, ctx: &egui::Context, text: String) {
        ctx.copy_text(text.clone());
        self.last = Some(text);
    }

    /// The last text copied.
    pub fn last(&self) -> Option<&str> {
        self.last.as_deref()
    }
}
