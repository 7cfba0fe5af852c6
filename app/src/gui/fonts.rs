//! Fonts: egui's own, with Noto Sans SC and a symbol and emoji font (subsets built into
//! the binary) behind them, so Chinese and the emoji agents put in replies render on
//! machines with no such fonts installed.

use std::sync::Arc;

/// Noto Sans CJK SC cut to GB2312, common Traditional and the demo's characters
/// (`app/assets/fonts/make-subset.sh`, SIL Open Font License).
const CJK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Lore.otf");

/// Symbola cut to symbols, dingbats and emoji (`app/assets/fonts/make-emoji-subset.sh`,
/// free for any use).
const SYMBOLS: &[u8] = include_bytes!("../../assets/fonts/Symbola-Lore.ttf");

/// Adds the CJK font, then the symbol font, as fallbacks of both families.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    for (name, bytes) in [("noto-sans-sc", CJK), ("symbola", SYMBOLS)] {
        fonts.font_data.insert(
            name.to_owned(),
            Arc::new(egui::FontData::from_static(bytes)),
        );
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push(name.to_owned());
        }
    }
    ctx.set_fonts(fonts);
}
