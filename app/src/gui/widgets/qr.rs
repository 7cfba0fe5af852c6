//! QR codes, for a phone to scan a ticket.

use egui::Color32;

/// The white margin around the code, in modules, that scanners need.
const QUIET_ZONE: usize = 4;

/// A text and its QR code; the texture is made when first drawn, where a context is at
/// hand.
pub struct Qr {
    text: String,
    texture: Option<egui::TextureHandle>,
}

impl std::fmt::Debug for Qr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Qr").field("text", &self.text).finish()
    }
}

impl Qr {
    /// The code of `text`.
    pub fn new(text: String) -> Qr {
        Qr {
            text,
            texture: None,
        }
    }

    /// The text the code holds.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Draws the code `side` points square.
    pub fn ui(&mut self, ui: &mut egui::Ui, side: f32) {
        let texture = self
            .texture
            .get_or_insert_with(|| texture(ui.ctx(), &self.text));
        ui.add(egui::Image::new(&*texture).fit_to_exact_size(egui::vec2(side, side)));
    }
}

/// `text` as a QR code texture (black on white, with the quiet zone); a blank one if the
/// text is too long for a code.
fn texture(ctx: &egui::Context, text: &str) -> egui::TextureHandle {
    let image =
        match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L) {
            Ok(code) => {
                let width = code.width();
                let size = width + 2 * QUIET_ZONE;
                let mut pixels = vec![Color32::WHITE; size * size];
                for (i, color) in code.to_colors().iter().enumerate() {
                    if *color == qrcode::Color::Dark {
                        pixels[(i / width + QUIET_ZONE) * size + i % width + QUIET_ZONE] =
                            Color32::BLACK;
                    }
                }
                egui::ColorImage::new([size, size], pixels)
            }
            Err(_) => egui::ColorImage::new([1, 1], vec![Color32::WHITE]),
        };
    ctx.load_texture("ticket-qr", image, egui::TextureOptions::NEAREST)
}
