//! The data directory's `config.toml`: settings a team sets once (where the node listens,
//! the team's own relay, local-network discovery). Command-line flags override it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use lore_sync::{Options, RelayUrl};
use serde::Deserialize;

use super::args::Network;

/// The file name, inside the data directory.
pub const CONFIG_FILE: &str = "config.toml";

/// Where the sync node listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:4747";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub network: NetworkConfig,
    #[serde(default)]
    pub app: AppConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// The system-wide shortcut that opens the quick picker, such as `Ctrl+Alt+K`; `""`
    /// turns it off.
    pub picker_hotkey: Option<String>,
    /// Whether closing the main window keeps Lore running in the background (the tray,
    /// the picker's shortcut, syncing) instead of quitting; the default is to keep it
    /// running whenever the shortcut is registered.
    pub close_to_tray: Option<bool>,
    /// Where the app's node serves the HTTP API for bots (`127.0.0.1:PORT`, loopback
    /// only; `lore serve --http` for more); unset: no API.
    pub http: Option<SocketAddr>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// IP:PORT the node listens on.
    pub listen: Option<SocketAddr>,
    /// URL of a self-hosted iroh relay.
    pub relay: Option<String>,
    /// The relay's certificate (PEM), when it has one of its own rather than one from a
    /// public authority: a path, relative to the data directory.
    pub relay_cert: Option<PathBuf>,
    /// Announce and find teammates on the local network (default: on, unless listening
    /// on loopback only).
    pub mdns: Option<bool>,
    /// Seconds between background syncs with known peers.
    pub sync_every: Option<u64>,
}

impl Config {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(CONFIG_FILE)
    }

    /// Reads the config of the data directory `dir`; a missing file is the defaults, a
    /// malformed one an error naming the file, line and setting.
    pub fn load(dir: &Path) -> Result<Config> {
        let path = Config::path(dir);
        let Some(text) = read(&path)? else {
            return Ok(Config::default());
        };
        toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
    }
}

/// The text of the config file at `path`; none when there is no file.
fn read(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Sets (or, with `None`, removes) `[app] http` in the config of data directory `dir`,
/// keeping everything else in the file as written, comments included. The file is
/// replaced whole (written beside it, then renamed), and only when the result still
/// reads as a config.
pub fn set_app_http(dir: &Path, addr: Option<SocketAddr>) -> Result<()> {
    let path = Config::path(dir);
    let text = read(&path)?.unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    match addr {
        Some(addr) => {
            let app = doc
                .entry("app")
                .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
                .as_table_mut()
                .ok_or_else(|| anyhow!("{}: `app` is not a table", path.display()))?;
            app["http"] = toml_edit::value(addr.to_string());
        }
        None => {
            if let Some(app) = doc.get_mut("app").and_then(|a| a.as_table_like_mut()) {
                app.remove("http");
            }
        }
    }
    let written = doc.to_string();
    toml::from_str::<Config>(&written).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let partial = path.with_extension("toml.partial");
    std::fs::write(&partial, written)
        .and_then(|()| std::fs::rename(&partial, &path))
        .with_context(|| format!("writing {}", path.display()))
}

/// The node's options: flags first, then the config file, then the defaults.
pub fn options(dir: &Path, net: &Network, default_listen: SocketAddr) -> Result<(Options, u64)> {
    let config = Config::load(dir)?.network;
    let bind = net.listen.or(config.listen).unwrap_or(default_listen);
    let relay = net
        .relay
        .clone()
        .or(config.relay)
        .map(|r| {
            r.parse::<RelayUrl>().map_err(|_| {
                anyhow!("`{r}` is not a relay URL (it looks like https://relay.example.com)")
            })
        })
        .transpose()?;
    // Announcing a loopback address to the local network would help nobody.
    let mdns = !net.no_mdns && config.mdns.unwrap_or(true) && !bind.ip().is_loopback();
    let every = config.sync_every.unwrap_or(10).max(1);
    let relay_certs = match &config.relay_cert {
        Some(file) => relay_certs(&dir.join(file))?,
        None => Vec::new(),
    };
    let options = Options {
        bind,
        relay,
        mdns,
        relay_certs,
    };
    Ok((options, every))
}

/// The certificates of a PEM file, as DER.
fn relay_certs(path: &Path) -> Result<Vec<Vec<u8>>> {
    let pem = std::fs::read(path).with_context(|| format!("relay_cert {}", path.display()))?;
    lore_sync::certificates_of_pem(&pem).map_err(|e| anyhow!("relay_cert {}: {e}", path.display()))
}

/// The default listen address.
pub fn default_listen() -> SocketAddr {
    DEFAULT_LISTEN
        .parse()
        .unwrap_or(SocketAddr::from(([0, 0, 0, 0], 4747)))
}
