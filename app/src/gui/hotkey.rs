//! The quick picker's system-wide shortcut: pressed in any application, it wakes the app
//! (even with its window minimised or closed to the tray) and opens the picker.

use std::sync::mpsc::{Receiver, channel};

use global_hotkey::hotkey::HotKey;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};

/// The shortcut when the configuration names none: Ctrl+Alt+K (快捷, "quick"). Ctrl+Space
/// and Shift+Space belong to Chinese input methods, Ctrl+Alt+L locks some desktops.
pub const DEFAULT: &str = "Ctrl+Alt+K";

/// A registered shortcut; unregistered when dropped.
pub struct Hotkey {
    manager: GlobalHotKeyManager,
    key: HotKey,
    pressed: Receiver<()>,
}

impl std::fmt::Debug for Hotkey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hotkey").field("key", &self.key).finish()
    }
}

impl Hotkey {
    /// Registers `spec` (such as `Ctrl+Alt+K`) with the system; each press wakes `ctx`.
    /// Fails with a sentence saying why (a malformed shortcut, one another program holds,
    /// a session without a global shortcut service such as Wayland).
    pub fn register(spec: &str, ctx: egui::Context) -> Result<Hotkey, String> {
        let key: HotKey = spec
            .parse()
            .map_err(|e| format!("`{spec}` is not a shortcut ({e}); write it as Ctrl+Alt+K"))?;
        let manager = GlobalHotKeyManager::new()
            .map_err(|e| format!("this desktop offers no global shortcuts ({e})"))?;
        manager
            .register(key)
            .map_err(|e| format!("{spec} cannot be taken ({e}); choose another in config.toml"))?;
        let (tx, pressed) = channel();
        let id = key.id();
        GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
            if event.id == id && event.state == HotKeyState::Pressed {
                let _ = tx.send(());
                // Even a hidden window runs the app's logic on a repaint: it opens the
                // picker (`background.rs`).
                ctx.request_repaint();
            }
        }));
        Ok(Hotkey {
            manager,
            key,
            pressed,
        })
    }

    /// Whether the shortcut was pressed since the last call.
    pub fn pressed(&self) -> bool {
        self.pressed.try_iter().count() > 0
    }
}

impl Drop for Hotkey {
    fn drop(&mut self) {
        let _ = self.manager.unregister(self.key);
    }
}
