//! The Insights tab's charts (egui_plot): questions per day, and ranked counts with the
//! period before beside them. Still pictures: no dragging or zooming, a hover names the
//! bar. Each chart carries an accessible label saying what it shows.

use egui::Color32;
use egui_plot::{Bar, BarChart, Corner, Legend, Plot};

/// One series of a chart: its name, colour and values.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: Color32,
    pub values: Vec<f64>,
}

/// A still plot with its legend in `corner`.
fn still(id: &str, height: f32, corner: Corner) -> Plot<'static> {
    Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([false, true])
        .legend(Legend::default().position(corner))
}

/// Stacked columns, one per label (days), a series each.
pub fn columns(
    ui: &mut egui::Ui,
    id: &str,
    describe: &str,
    labels: Vec<String>,
    series: &[Series],
) {
    let count = labels.len();
    // Each series stands on the ones before it.
    let mut charts: Vec<BarChart> = Vec::new();
    for s in series {
        let bars = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| Bar::new(i as f64, *v).width(0.7).fill(solid(s.color)))
            .collect();
        let below: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(s.name, bars).color(s.color).stack_on(&below);
        charts.push(chart);
    }
    let response = still(id, 170.0, Corner::LeftTop)
        .include_y(0.0)
        .include_x(-0.5)
        .include_x(count as f64 - 0.5)
        .x_axis_formatter(move |mark, _| label_at(&labels, mark.value))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        })
        .response;
    describe_widget(&response, describe);
}

/// Horizontal bars for ranked labels (the first on top): this period and the one before.
pub fn ranked(
    ui: &mut egui::Ui,
    id: &str,
    describe: &str,
    labels: Vec<String>,
    now: &Series,
    before: &Series,
) {
    let count = labels.len();
    let place = |i: usize| (count - 1 - i) as f64;
    let bars = |s: &Series, offset: f64| {
        s.values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Bar::new(place(i) + offset, *v)
                    .width(0.38)
                    .fill(solid(s.color))
                    .horizontal()
            })
            .collect::<Vec<Bar>>()
    };
    let now_chart = BarChart::new(now.name, bars(now, 0.2))
        .color(now.color)
        .horizontal();
    let before_chart = BarChart::new(before.name, bars(before, -0.2))
        .color(before.color)
        .horizontal();
    let height = (count as f32 * 24.0 + 40.0).clamp(90.0, 320.0);
    let response = still(id, height, Corner::RightBottom)
        .include_x(0.0)
        .show_grid([true, false])
        .y_axis_min_width(96.0)
        .y_axis_formatter(move |mark, _| {
            let i = count as f64 - 1.0 - mark.value;
            label_at(&labels, i)
        })
        .show(ui, |plot| {
            plot.bar_chart(now_chart);
            plot.bar_chart(before_chart);
        })
        .response;
    describe_widget(&response, describe);
}

/// A bar's fill: its colour, slightly see-through.
fn solid(color: Color32) -> Color32 {
    color.gamma_multiply(0.85)
}

/// The label of a whole-number position, nothing between them.
fn label_at(labels: &[String], at: f64) -> String {
    let i = at.round();
    if (at - i).abs() > 0.01 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

fn describe_widget(response: &egui::Response, describe: &str) {
    let describe = describe.to_string();
    response
        .widget_info(move || egui::WidgetInfo::labeled(egui::Role::Image, true, describe.clone()));
}
