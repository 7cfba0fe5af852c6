//! A labelled one-line text field with a button after it (a team name and "Create", a
//! ticket and "Join"); the label names the field for AccessKit.

/// Draws the row; returns whether the button was clicked.
pub fn field_with_button_ui(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    button: &str,
) -> bool {
    ui.horizontal(|ui| {
        let label = ui.label(label);
        ui.text_edit_singleline(text).labelled_by(label.id);
        ui.button(button).clicked()
    })
    .inner
}
