//! Team sync from the command line: invite, join, serve, status.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result};
use std::sync::Arc;

use lore_sync::{Connected, Node, Ticket};

use super::Context;
use super::args::{InviteArgs, JoinArgs, Network, ServeArgs};
use super::config;
use super::local::{self, Served};
use super::output::{json_line, local_time, note, say};

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the network runtime")
}

/// The addresses a peer can reach `listen` at: the address itself, or for an unspecified
/// address every up, non-loopback IPv4 address of this machine, and loopback.
pub(crate) fn reachable(listen: SocketAddr) -> Vec<SocketAddr> {
    if !listen.ip().is_unspecified() {
        return vec![listen];
    }
    let mut addrs: Vec<SocketAddr> = netdev::get_interfaces()
        .into_iter()
        .filter(|i| i.is_up() && !i.is_loopback())
        .flat_map(|i| i.ipv4_addrs())
        .map(|ip| SocketAddr::new(IpAddr::V4(ip), listen.port()))
        .collect();
    addrs.push(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        listen.port(),
    ));
    addrs
}

pub fn invite(ctx: &Context, a: InviteArgs) -> Result<ExitCode> {
    // Inside a running node the ticket names where that node listens; otherwise where
    // `lore serve` will listen, from the flags and config.toml.
    let (addrs, relay, listen) = match &ctx.served {
        Some(served) => (served.reachable.clone(), served.relay.clone(), None),
        None => {
            let (options, _) = config::options(&ctx.data_dir, &a.net, config::default_listen())?;
            (
                reachable(options.bind),
                options.relay.map(|r| r.to_string()),
                Some(options.bind),
            )
        }
    };
    let mut library = ctx.open()?;
    let valid_for = i64::try_from(a.expires.as_millis()).unwrap_or(i64::MAX);
    let invite = library.create_invite(a.role.into(), valid_for)?;
    let team = library.team()?;
    let ticket = Ticket::for_invite(&team, ctx.identity()?.signing_key(), addrs, relay, &invite);
    if ctx.json {
        json_line(
            &serde_json::json!({ "ticket": ticket.to_string(), "role": ticket.role, "expires_at": ticket.expires_at }),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    say!("{ticket}");
    let until = local_time(ticket.expires_at);
    match listen {
        Some(listen) => note!(
            "one-time ticket for a new {} (valid until {until}); run `lore serve --listen {listen}` so they can join",
            ticket.role
        ),
        None => note!(
            "one-time ticket for a new {} (valid until {until}); the running node will let them in",
            ticket.role
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn join(ctx: &Context, a: JoinArgs) -> Result<ExitCode> {
    let ticket: Ticket = a.ticket.parse()?;
    let identity = ctx.identity()?;
    let dir = ctx.data_dir.clone();
    let net = Network {
        listen: Some(a.listen.unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)))),
        relay: a.relay.or_else(|| ticket.relay.clone()),
        no_mdns: true,
    };
    let (options, _) = config::options(&dir, &net, config::default_listen())?;
    let (documents, entries, team, role) = runtime()?.block_on(async {
        let (node, report) = lore_sync::join(&ticket, &dir, &identity, options).await?;
        let summary = {
            let library = node.library();
            let mut library = library
                .lock()
                .map_err(|_| anyhow::anyhow!("the library lock was poisoned"))?;
            (
                report.documents,
                library.len(),
                library.team()?.name,
                library.my_role()?,
            )
        };
        node.shutdown().await;
        anyhow::Ok(summary)
    })?;
    if ctx.json {
        json_line(
            &serde_json::json!({ "team": team, "role": role, "entries": entries, "documents": documents }),
        )?;
    } else {
        say!("joined team “{team}” as {role}: {entries} entries ({documents} documents synced)");
        note!("run `lore serve` (or open the app) to keep in sync with the team");
    }
    Ok(ExitCode::SUCCESS)
}

/// Node logs go to stderr; `LORE_LOG` (error, warn, info, debug, trace) sets how much.
pub fn init_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let level = std::env::var("LORE_LOG")
        .ok()
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let filter = Targets::new()
        .with_target("lore_sync", level)
        .with_target("lore", level)
        .with_default(LevelFilter::WARN.min(level));
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_target(false),
        )
        .with(filter)
        .try_init();
}

pub fn serve(ctx: &Context, a: ServeArgs) -> Result<ExitCode> {
    super::site::check(&a.site)?;
    init_logging();
    a.http.check()?;
    let identity = ctx.identity()?;
    let (options, every) = config::options(&ctx.data_dir, &a.net, config::default_listen())?;
    let every = a.every.unwrap_or(every).max(1);
    let library = lore_core::Library::open(&ctx.data_dir, identity.writer())?;
    let data_dir = ctx.data_dir.clone();
    runtime()?.block_on(async move {
        let relay = options.relay.as_ref().map(ToString::to_string);
        let mdns = options.mdns;
        let node = Arc::new(Node::start(library, &identity, options).await?);
        let listening: Vec<SocketAddr> = node.addr().ip_addrs().copied().collect();
        let served = Arc::new(Served {
            data_dir,
            library: node.library(),
            node: node.clone(),
            reachable: listening.iter().flat_map(|a| reachable(*a)).collect(),
            relay: relay.clone(),
            raise: None,
        });
        let _socket = local::listen(served)?;
        let api = crate::http::start(&node, &a.http).await?;
        if let Some(api) = &api {
            if let Some(warning) = &api.warning {
                note!("warning: {warning}");
            }
            note!(
                "HTTP API on http://{}/v1/ (tokens: `lore token create`)",
                api.addr
            );
        }
        let stop = crate::signals::stop_signals()?;
        tracing::info!(
            id = %node.member(),
            listening = ?listening,
            relay = relay.as_deref().unwrap_or("none"),
            mdns,
            "lore node running; Ctrl-C stops it"
        );
        node.start_syncing(Duration::from_secs(every));
        let _site = super::site::Keeper::start(node.library(), &a.site)?;
        let signal = stop.await;
        tracing::info!(signal, "stopping");
        drop(api);
        node.stop().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn status(ctx: &Context) -> Result<ExitCode> {
    let connected: Vec<Connected> = ctx
        .served
        .as_ref()
        .map(|s| s.node.connected())
        .unwrap_or_default();
    let running = ctx.served.is_some();
    let mut library = ctx.open()?;
    let team = library.team()?;
    let me = library.writer().member.clone();
    let role = team
        .members
        .get(&me)
        .map(|m| m.role.as_str())
        .unwrap_or("not a member");
    let mut peers = Vec::new();
    for p in library.known_peers()? {
        let link = connected.iter().find(|c| c.member == p.member);
        peers.push(serde_json::json!({
            "member": p.member,
            "name": team.member_name(&p.member),
            "connected": link.is_some(),
            "syncing": link.is_some_and(|c| c.syncing),
            "addr": link.and_then(|c| c.addr.clone()),
            "addrs": p.addrs,
            "last_sync": (p.last_sync > 0).then(|| lore_core::exchange::format_time(p.last_sync)),
            "pending": library.pending_for(&p.member)?,
        }));
    }
    if ctx.json {
        json_line(&serde_json::json!({
            "id": me,
            "team": team.id,
            "team_name": team.name,
            "role": role,
            "node": running,
            "documents": library.digest()?.len(),
            "peers": peers,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    say!("device  {me}");
    say!(
        "team    {} ({})",
        if team.name.is_empty() {
            "(unnamed)"
        } else {
            &team.name
        },
        team.id
    );
    say!("role    {role}");
    say!(
        "node    {}",
        if running {
            format!("running, {} peer(s) connected", connected.len())
        } else {
            "not running (start `lore serve` or the app to sync)".to_string()
        }
    );
    if peers.is_empty() {
        say!("peers   none yet (join with a ticket, or have a teammate join you)");
    }
    for p in &peers {
        let text = |k: &str| p[k].as_str().unwrap_or("").to_string();
        let state = if p["syncing"].as_bool() == Some(true) {
            "syncing"
        } else if p["connected"].as_bool() == Some(true) {
            "connected"
        } else {
            "offline"
        };
        let addr = match p["addr"].as_str() {
            Some(a) => a.to_string(),
            None => p["addrs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        };
        let last = match p["last_sync"].as_str() {
            Some(_) => {
                let ms = library
                    .known_peers()?
                    .iter()
                    .find(|k| k.member == text("member"))
                    .map_or(0, |k| k.last_sync);
                local_time(ms)
            }
            None => "never".to_string(),
        };
        say!(
            "peer    {:<16} {state:<9} last sync {last}  pending {}  {addr}",
            text("name"),
            p["pending"]
        );
    }
    Ok(ExitCode::SUCCESS)
}
