//! How the embedded node meets the world: the network settings (shared with `lore serve`)
//! and the local socket other `lore` processes use while the app holds the library. The
//! backend's only ties to the command line's modules are here.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use lore_sync::{Node, Options};

use crate::cli::config;
use crate::cli::local::{self, Raise, Served, SocketFile};

/// How the embedded node reaches the team.
#[derive(Debug, Clone)]
pub struct Network {
    /// The node's endpoint options.
    pub options: Options,
    /// How often the node syncs with known peers.
    pub every: Duration,
    /// What another `lore` started on this library gets: the window shown.
    raise: Option<Raise>,
}

impl Network {
    /// From the data directory's config.toml, like `lore serve`.
    /// When the default port is taken (another Lore on this machine, say) and the config
    /// names none, the node listens on a free port instead: the library still opens, and
    /// teammates learn the port from its tickets and sessions.
    pub fn from_config(dir: &Path) -> Result<Network> {
        let (mut options, every) = config::options(
            dir,
            &crate::cli::args::Network::default(),
            config::default_listen(),
        )?;
        let configured = config::Config::load(dir)?.network.listen.is_some();
        if !configured && std::net::UdpSocket::bind(options.bind).is_err() {
            tracing::warn!(
                "port {} is taken (another Lore on this machine?); listening on a free port",
                options.bind.port()
            );
            options.bind.set_port(0);
        }
        Ok(Network {
            options,
            every: Duration::from_secs(every),
            raise: None,
        })
    }

    /// With what to do when another `lore` is started on this library while the app runs
    /// (`show` runs on the local socket's thread).
    pub fn with_raise(mut self, show: impl Fn() + Send + Sync + 'static) -> Network {
        self.raise = Some(Raise(Arc::new(show)));
        self
    }

    /// Loopback only, any free port, no mDNS: for tests.
    pub fn loopback() -> Network {
        Network {
            options: Options::direct(SocketAddr::from(([127, 0, 0, 1], 0))),
            every: Duration::from_secs(10),
            raise: None,
        }
    }

    /// The relay, as tickets name it.
    pub fn relay(&self) -> Option<String> {
        self.options.relay.as_ref().map(ToString::to_string)
    }
}

/// A running node's addresses and its local socket; dropping it closes the socket.
pub struct Serving {
    /// Where teammates reach this node (for tickets).
    pub reachable: Vec<SocketAddr>,
    _socket: Option<SocketFile>,
    /// The HTTP API, when config.toml's `[app] http` asks for it; dropped, it stops.
    pub api: Option<crate::http::Started>,
}

impl Serving {
    /// Listens on `DATA_DIR/lore.sock` for other `lore` processes, which then run their
    /// commands on `node`'s library instead of failing on the lock.
    pub fn start(data_dir: &Path, node: &Arc<Node>, network: &Network) -> Serving {
        let reachable: Vec<SocketAddr> = node
            .addr()
            .ip_addrs()
            .flat_map(|a| crate::cli::net::reachable(*a))
            .collect();
        let served = Arc::new(Served {
            data_dir: PathBuf::from(data_dir),
            library: node.library(),
            node: node.clone(),
            reachable: reachable.clone(),
            relay: network.relay(),
            raise: network.raise.clone(),
        });
        Serving {
            reachable,
            // Without the socket the app still works; only other processes are refused.
            _socket: local::listen(served).ok(),
            api: None,
        }
    }

    /// Serves the HTTP API on `node`'s library when config.toml's `[app] http` names an
    /// address (loopback only). Without it the app works as before; a failure is logged.
    pub fn start_api(&mut self, runtime: &tokio::runtime::Runtime, data_dir: &Path, node: &Node) {
        let addr = match config::Config::load(data_dir) {
            Ok(config) => config.app.http,
            Err(e) => {
                tracing::warn!(error = %e, "the HTTP API is off: config.toml could not be read");
                None
            }
        };
        let Some(addr) = addr else {
            return;
        };
        if let Err(e) = self.serve_api(runtime, node, addr) {
            tracing::warn!(error = %e, "the HTTP API did not start");
        }
    }

    /// Serves the HTTP API at `addr` (loopback) in place of any running; returns where
    /// it listens.
    fn serve_api(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        node: &Node,
        addr: SocketAddr,
    ) -> Result<SocketAddr> {
        self.api = None;
        let args = crate::http::HttpArgs::at(addr);
        let started = runtime
            .block_on(crate::http::start(node, &args))?
            .ok_or_else(|| anyhow::anyhow!("no address for the API"))?;
        tracing::info!(addr = %started.addr, "HTTP API running");
        let bound = started.addr;
        self.api = Some(started);
        Ok(bound)
    }

    /// Turns the HTTP API on at `addr` (loopback only, as `HttpArgs::at` checks) or off
    /// (`None`), and says so in config.toml so the app serves it again when it next opens.
    /// Turning it on binds first: a port that is taken is an error and config.toml stays
    /// as it was.
    pub fn set_api(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        data_dir: &Path,
        node: &Node,
        addr: Option<SocketAddr>,
    ) -> Result<()> {
        let Some(addr) = addr else {
            self.api = None;
            return config::set_app_http(data_dir, None);
        };
        let bound = self.serve_api(runtime, node, addr)?;
        if let Err(e) = config::set_app_http(data_dir, Some(bound)) {
            // Not kept for next time: not running now either.
            self.api = None;
            return Err(e);
        }
        Ok(())
    }

    /// Where the HTTP API listens, while it runs.
    pub fn api_addr(&self) -> Option<SocketAddr> {
        self.api.as_ref().map(|a| a.addr)
    }
}
