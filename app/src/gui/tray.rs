//! The tray icon (Linux: a StatusNotifierItem over the session's D-Bus, with `ksni`).
//! Activating it shows the main window; its menu opens Lore, opens the quick picker or
//! quits. It talks to the UI thread only through a [`Waker`] (a channel and a repaint),
//! which `background.rs` reads in the app's logic, the window hidden or not.
//!
//! A desktop without a tray host, or a session without a bus, costs nothing but the icon:
//! the app logs why once and carries on. Elsewhere than Linux there is no icon yet.

use super::i18n::Lang;
use super::wake::Waker;

/// The running tray icon; dropping it takes the icon away.
pub struct Tray {
    #[cfg(target_os = "linux")]
    handle: std::sync::mpsc::Receiver<ksni::blocking::Handle<linux::Item>>,
}

impl std::fmt::Debug for Tray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tray").finish()
    }
}

impl Tray {
    /// Puts the icon in the tray, its menu in `lang`. The icon is set up on a thread of
    /// its own, so a slow or missing session bus never holds the window up.
    pub fn start(lang: Lang, waker: Waker) -> Tray {
        #[cfg(target_os = "linux")]
        {
            Tray {
                handle: linux::start(lang, waker),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (lang, waker);
            Tray {}
        }
    }
}

impl Drop for Tray {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Ok(handle) = self.handle.try_recv() {
            // The service's thread ends with the process; the icon goes now.
            let _ = handle.shutdown();
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc::{Receiver, channel};

    use ksni::blocking::TrayMethods as _;
    use ksni::menu::StandardItem;

    use crate::gui::i18n::{Key, Lang};
    use crate::gui::wake::{Wake, Waker};

    /// What the tray host sees and calls.
    pub struct Item {
        lang: Lang,
        waker: Waker,
        /// Whether the missing tray host was logged already.
        told: AtomicBool,
    }

    /// Starts the tray's D-Bus service on a thread; the handle arrives once it runs.
    pub fn start(lang: Lang, waker: Waker) -> Receiver<ksni::blocking::Handle<Item>> {
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new()
            .name("lore-tray".into())
            .spawn(move || {
                let item = Item {
                    lang,
                    waker,
                    told: AtomicBool::new(false),
                };
                // No tray host yet (or ever, on some desktops): the item still serves, and
                // a host that comes later shows it.
                match item.assume_sni_available(true).spawn() {
                    Ok(handle) => {
                        let _ = tx.send(handle);
                    }
                    Err(e) => tracing::warn!("no tray icon: {e}; Lore works without it"),
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("no tray icon: cannot start its thread ({e})");
        }
        rx
    }

    impl ksni::Tray for Item {
        fn id(&self) -> String {
            "lore".into()
        }

        fn title(&self) -> String {
            "Lore".into()
        }

        fn icon_name(&self) -> String {
            "accessories-dictionary".into()
        }

        fn icon_pixmap(&self) -> Vec<ksni::Icon> {
            vec![icon(32)]
        }

        fn tool_tip(&self) -> ksni::ToolTip {
            ksni::ToolTip {
                title: "Lore".into(),
                description: self.lang.t(Key::TrayTip).into(),
                ..Default::default()
            }
        }

        fn activate(&mut self, _x: i32, _y: i32) {
            self.waker.wake(Wake::ShowWindow);
        }

        fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
            let item = |key: Key, wake: Wake| {
                StandardItem {
                    label: self.lang.t(key).into(),
                    activate: Box::new(move |this: &mut Item| this.waker.wake(wake)),
                    ..Default::default()
                }
                .into()
            };
            vec![
                item(Key::TrayOpen, Wake::ShowWindow),
                item(Key::TrayPicker, Wake::OpenPicker),
                ksni::MenuItem::Separator,
                item(Key::TrayQuit, Wake::Quit),
            ]
        }

        fn watcher_offline(&self, reason: ksni::OfflineReason) -> bool {
            if !self.told.swap(true, Ordering::SeqCst) {
                tracing::info!(
                    "no tray on this desktop ({reason:?}); Lore runs without an icon: the \
                     quick picker's shortcut and its 打开主窗口 button bring the window back"
                );
            }
            // Keep serving: a tray host that starts later shows the icon.
            true
        }
    }

    /// Lore's icon, `size` pixels square: a blue rounded square with a white “L”, as ARGB
    /// in network byte order.
    fn icon(size: i32) -> ksni::Icon {
        let n = size as f32;
        let mut data = Vec::with_capacity((size * size * 4) as usize);
        for y in 0..size {
            for x in 0..size {
                let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
                // Distance outside a square inset by the corner radius.
                let r = n * 0.2;
                let dx = (fx - n / 2.0).abs() - (n / 2.0 - r);
                let dy = (fy - n / 2.0).abs() - (n / 2.0 - r);
                let outside = dx.max(0.0).hypot(dy.max(0.0)) - r;
                let alpha = (0.5 - outside).clamp(0.0, 1.0);
                let stem = fx > n * 0.32 && fx < n * 0.46 && fy > n * 0.22 && fy < n * 0.78;
                let foot = fx > n * 0.32 && fx < n * 0.7 && fy > n * 0.64 && fy < n * 0.78;
                let (r, g, b) = if stem || foot {
                    (255, 255, 255)
                } else {
                    (37, 99, 235)
                };
                data.extend_from_slice(&[(alpha * 255.0) as u8, r, g, b]);
            }
        }
        ksni::Icon {
            width: size,
            height: size,
            data,
        }
    }
}
