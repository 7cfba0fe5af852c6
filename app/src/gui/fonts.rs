//! Fonts: egui's own, with Noto Sans SC (a subset built into the binary) behind them, so
//! Chinese renders on machines with no Chinese fonts installed.

use std::sync::Arc;

/// Noto Sans CJK SC cut to GB2312, common Traditional and the demo's characters
/// (`app/assets/fonts/make-subset.sh`, SIL Open Font License).
const CJK: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Lore.otf");

/// Adds the CJK font as a fallback of both families.
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans-sc".to_owned(),
        Arc::new(egui::FontData::from_static(CJK)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto-sans-sc".to_owned());
    }
    ctx.set_fonts(fonts);
}
