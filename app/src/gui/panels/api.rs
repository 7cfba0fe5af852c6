//! The team panel's HTTP API section: a switch that makes this app serve the API on
//! 127.0.0.1 (kept in config.toml, so it is on again next time) with its address and
//! where its description is; for admins, the team's tokens with the uses made through
//! each, a form that creates one (its secret shown this once, with a copy button) and a
//! revoke button per token.

use egui::RichText;
use lore_core::Scope;

use crate::gui::clipboard::Clipboard;
use crate::gui::i18n::Lang;
use crate::gui::jobs::{ApiView, Done, Job, TokenRow};

/// The port offered first.
const DEFAULT_PORT: u16 = 8080;

/// The scopes in the order the menu offers them.
const SCOPES: [Scope; 3] = [Scope::Read, Scope::Reply, Scope::Internal];

/// The API as last heard, and what the user is typing.
#[derive(Debug)]
pub struct ApiPanel {
    view: Option<ApiView>,
    /// The port, as typed.
    port: String,
    /// The new token's name and scope, as chosen.
    name: String,
    scope: Scope,
    /// A token just made: name and secret, until another view replaces it.
    made: Option<(String, String)>,
}

impl Default for ApiPanel {
    fn default() -> ApiPanel {
        ApiPanel {
            view: None,
            port: DEFAULT_PORT.to_string(),
            name: String::new(),
            scope: Scope::Read,
            made: None,
        }
    }
}

impl ApiPanel {
    /// Takes in what the worker answered.
    pub fn absorb(&mut self, done: &Done) {
        match done {
            Done::Api(view) => {
                if let Some(addr) = view.serving {
                    self.port = addr.port().to_string();
                }
                if view.made.is_some() {
                    self.made = view.made.clone();
                    self.name.clear();
                }
                self.view = Some(view.clone());
            }
            Done::Opened { .. } => *self = ApiPanel::default(),
            _ => {}
        }
    }

    /// Draws the section.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, clipboard: &mut Clipboard) -> Vec<Job> {
        let mut jobs = Vec::new();
        let Some(view) = &self.view else {
            return jobs;
        };
        ui.label(RichText::new(lang.pick("对接接口（HTTP API）", "HTTP API for bots")).strong());
        ui.label(lang.pick(
            "让公众号机器人、网页客服等程序用访问令牌读取知识库、取回复；只在本机（127.0.0.1）开放。",
            "Lets a WeChat bot, a web chat or a help desk read the library and fetch replies with a token; on this machine only (127.0.0.1).",
        ));
        let serving = view.serving;
        ui.horizontal(|ui| {
            let mut on = serving.is_some();
            let switch = ui.checkbox(
                &mut on,
                lang.pick("在本机开放接口", "Serve the API on this machine"),
            );
            let port = ui.label(lang.pick("端口", "Port"));
            ui.add_enabled(
                serving.is_none(),
                egui::TextEdit::singleline(&mut self.port).desired_width(60.0),
            )
            .labelled_by(port.id);
            if switch.changed() {
                match (on, self.port.trim().parse::<u16>()) {
                    (false, _) => jobs.push(Job::ServeApi(None)),
                    (true, Ok(port)) if port > 0 => jobs.push(Job::ServeApi(Some(port))),
                    (true, _) => {}
                }
            }
        });
        if !matches!(self.port.trim().parse::<u16>(), Ok(p) if p > 0) && serving.is_none() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                lang.pick(
                    "端口是 1 到 65535 的数字。",
                    "The port is a number from 1 to 65535.",
                ),
            );
        }
        if let Some(addr) = serving {
            let base = format!("http://{addr}/v1/");
            ui.horizontal(|ui| {
                ui.label(format!("{} {base}", lang.pick("接口地址：", "Address:")));
                if ui.button(lang.pick("复制地址", "Copy address")).clicked() {
                    clipboard.copy(ui.ctx(), base.clone());
                }
            });
            ui.label(format!(
                "{} {base}openapi.json",
                lang.pick("接口说明（OpenAPI）：", "Described (OpenAPI) at:")
            ));
        }
        if !view.admin {
            ui.label(lang.pick("访问令牌由管理员创建。", "Tokens are created by an admin."));
            return jobs;
        }
        tokens_ui(ui, lang, &view.tokens, &mut jobs);
        ui.horizontal(|ui| {
            let label = ui.label(lang.pick("令牌名称", "Token name"));
            ui.add(
                egui::TextEdit::singleline(&mut self.name)
                    .hint_text(lang.pick("如：公众号机器人", "e.g. Web chat")),
            )
            .labelled_by(label.id);
            let may = ui.label(lang.pick("权限", "May"));
            let combo = egui::ComboBox::from_id_salt("token-scope")
                .selected_text(scope_name(lang, self.scope))
                .show_ui(ui, |ui| {
                    for scope in SCOPES {
                        ui.selectable_value(&mut self.scope, scope, scope_name(lang, scope));
                    }
                });
            let _ = combo.response.labelled_by(may.id);
            let ready = !self.name.trim().is_empty();
            if ui
                .add_enabled(
                    ready,
                    egui::Button::new(lang.pick("创建令牌", "Create token")),
                )
                .clicked()
            {
                jobs.push(Job::CreateToken {
                    name: self.name.trim().to_string(),
                    scope: self.scope,
                });
            }
        });
        if let Some((name, secret)) = &self.made {
            ui.label(
                RichText::new(format!(
                "{}{name}{}",
                lang.pick("令牌「", "Token “"),
                lang.pick(
                    "」已创建。它只显示这一次，请立即复制，交给对接的程序保存。",
                    "” is made. It is shown this once: copy it now into the program that uses it."
                ),
            ))
                .color(ui.visuals().warn_fg_color),
            );
            ui.horizontal(|ui| {
                ui.monospace(secret);
                if ui.button(lang.pick("复制令牌", "Copy token")).clicked() {
                    clipboard.copy(ui.ctx(), secret.clone());
                }
            });
        }
        jobs
    }
}

/// The tokens: name, what it may do, uses, and a revoke button for the live ones.
fn tokens_ui(ui: &mut egui::Ui, lang: Lang, tokens: &[TokenRow], jobs: &mut Vec<Job>) {
    if tokens.is_empty() {
        ui.label(lang.pick("还没有访问令牌。", "No tokens yet."));
        return;
    }
    egui::Grid::new("api-tokens").striped(true).show(ui, |ui| {
        for heading in [
            lang.pick("令牌", "Token"),
            lang.pick("权限", "May"),
            lang.pick("使用次数", "Uses"),
            "",
        ] {
            ui.label(RichText::new(heading).strong());
        }
        ui.end_row();
        for token in tokens {
            ui.label(&token.name);
            ui.label(scope_name(lang, token.scope));
            ui.label(token.uses.to_string());
            if token.revoked {
                ui.label(lang.pick("已撤销", "revoked"));
            } else {
                let revoke = ui.button(lang.pick("撤销", "Revoke"));
                let named = format!("{}{}", lang.pick("撤销：", "Revoke: "), token.name);
                // Each row's button says which token it revokes.
                revoke.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, named.clone())
                });
                if revoke.clicked() {
                    jobs.push(Job::RevokeToken(token.name.clone()));
                }
            }
            ui.end_row();
        }
    });
}

/// What a scope lets a token do, in a few words.
fn scope_name(lang: Lang, scope: Scope) -> &'static str {
    match scope {
        Scope::Read => lang.pick("只读（公开条目）", "Read (public entries)"),
        Scope::Reply => lang.pick("回复并记录使用", "Reply and record uses"),
        Scope::Internal => lang.pick("内部（全部条目）", "Internal (all entries)"),
    }
}
