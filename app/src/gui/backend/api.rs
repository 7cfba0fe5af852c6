//! The HTTP API from the team panel: this app serving it on 127.0.0.1 or not (kept in
//! config.toml's `[app] http`), and the team's tokens — created (the secret shown once)
//! and revoked by admins, with the uses made through each.

use std::net::SocketAddr;

use anyhow::{Result, anyhow, bail};
use lore_core::{Role, Scope};

use super::worker::Worker;
use crate::gui::jobs::{ApiView, Done, TokenRow};

impl Worker {
    /// Whether this app serves the API, and the team's tokens (for admins).
    pub(super) fn api_view(&self) -> Result<Done> {
        self.api_view_with(None)
    }

    fn api_view_with(&self, made: Option<(String, String)>) -> Result<Done> {
        let mut library = self.library()?;
        let admin = library.my_role()? == Role::Admin;
        let tokens = if admin {
            let uses = library.api_uses()?;
            library
                .tokens()?
                .into_iter()
                .map(|t| TokenRow {
                    uses: uses.get(&t.name).copied().unwrap_or(0),
                    name: t.name,
                    scope: t.scope,
                    revoked: t.revoked,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Done::Api(ApiView {
            serving: self.serving.as_ref().and_then(|s| s.api_addr()),
            admin,
            tokens,
            made,
        }))
    }

    /// Serves the API at 127.0.0.1:`port`, or stops it (`None`).
    pub(super) fn serve_api(&mut self, port: Option<u16>) -> Result<Done> {
        if self.sandbox {
            bail!("the demo's sandbox serves no API: open the team's library first");
        }
        let node = self
            .node
            .clone()
            .ok_or_else(|| anyhow!("the node is not running; the API needs it"))?;
        let serving = self
            .serving
            .as_mut()
            .ok_or_else(|| anyhow!("the node is not running; the API needs it"))?;
        let addr = port.map(|p| SocketAddr::from(([127, 0, 0, 1], p)));
        serving.set_api(&self.runtime, &self.data_dir, &node, addr)?;
        self.api_view()
    }

    /// Creates a token (admins only): the view, with its secret to show once.
    pub(super) fn create_token(&self, name: &str, scope: Scope) -> Result<Done> {
        let (token, secret) = self.library()?.create_token(name, scope)?;
        self.changed();
        self.api_view_with(Some((token.name, secret)))
    }

    /// Revokes a token (admins only).
    pub(super) fn revoke_token(&self, name: &str) -> Result<Done> {
        self.library()?.revoke_token(name)?;
        self.changed();
        self.api_view()
    }
}
