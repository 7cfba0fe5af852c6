//! Team sync from the command line: invite, join, serve, status.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, Result};
use lore_sync::{Node, Ticket};

use super::Context;
use super::args::{InviteArgs, JoinArgs, ServeArgs};
use super::output::{json_line, local_time, say};

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the network runtime")
}

/// The addresses a peer can reach `listen` at: the address itself, or for an unspecified
/// address every up, non-loopback IPv4 address of this machine, and loopback.
fn reachable(listen: SocketAddr) -> Vec<SocketAddr> {
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
    let mut library = ctx.open()?;
    let valid_for = i64::try_from(a.expires.as_millis()).unwrap_or(i64::MAX);
    let invite = library.create_invite(a.role.into(), valid_for)?;
    let team = library.team()?;
    let ticket = Ticket {
        team: team.id,
        team_name: team.name,
        inviter: library.writer().member.clone(),
        addrs: reachable(a.listen.listen),
        role: invite.role,
        secret: invite.secret,
        expires_at: invite.expires_at,
    };
    if ctx.json {
        json_line(
            &serde_json::json!({ "ticket": ticket.to_string(), "role": ticket.role, "expires_at": ticket.expires_at }),
        )?;
    } else {
        say!("{ticket}");
        eprintln!(
            "one-time ticket for a new {} (valid until {}); run `lore serve --listen {}` so they can join",
            ticket.role,
            local_time(ticket.expires_at),
            a.listen.listen
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn join(ctx: &Context, a: JoinArgs) -> Result<ExitCode> {
    let ticket: Ticket = a.ticket.parse()?;
    let identity = ctx.identity()?;
    let dir = ctx.data_dir.clone();
    let (documents, entries, team, role) = runtime()?.block_on(async {
        let (node, report) = lore_sync::join(&ticket, &dir, &identity, a.listen).await?;
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
    }
    Ok(ExitCode::SUCCESS)
}

pub fn serve(ctx: &Context, a: ServeArgs) -> Result<ExitCode> {
    let identity = ctx.identity()?;
    let library = lore_core::Library::open(&ctx.data_dir, identity.writer())?;
    runtime()?.block_on(async move {
        let node = Node::start(library, &identity, a.listen.listen).await?;
        eprintln!(
            "lore node {} listening on {:?}; Ctrl-C stops it",
            node.member(),
            node.addr().ip_addrs().collect::<Vec<_>>()
        );
        node.start_syncing(Duration::from_secs(a.every.max(1)));
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        eprintln!("stopping");
        node.shutdown().await;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn status(ctx: &Context) -> Result<ExitCode> {
    let mut library = ctx.open()?;
    let team = library.team()?;
    let me = library.writer().member.clone();
    let role = team
        .members
        .get(&me)
        .map(|m| m.role.as_str())
        .unwrap_or("not a member");
    let peers = library.known_peers()?;
    if ctx.json {
        json_line(&serde_json::json!({
            "id": me,
            "team": team.id,
            "team_name": team.name,
            "role": role,
            "peers": peers.iter().map(|p| serde_json::json!({
                "member": p.member,
                "name": team.member_name(&p.member),
                "addrs": p.addrs,
                "last_sync": lore_core::exchange::format_time(p.last_sync),
            })).collect::<Vec<_>>(),
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
    if peers.is_empty() {
        say!("peers   none yet (join with a ticket, or have a teammate join you)");
    }
    for p in peers {
        say!(
            "peer    {:<16} last sync {}  {}",
            team.member_name(&p.member),
            local_time(p.last_sync),
            p.addrs.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
