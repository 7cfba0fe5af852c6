//! The joiner's side of joining: present the ticket to the inviter on `lore/join/1`, take
//! the team document it answers with, then start a node and sync the whole library. The
//! inviter's side is `welcome`.

use std::path::Path;

use iroh::{Endpoint, EndpointAddr};
use lore_core::Library;
use tracing::debug;

use crate::endpoint::{self, Options};
use crate::error::{SyncError, TicketError};
use crate::frame::{self, CLOSE_DONE, Frame, JOIN_ALPN};
use crate::gate::Gate;
use crate::identity::Identity;
use crate::node::Node;
use crate::session::SyncReport;
use crate::ticket::Ticket;

/// Joins the team of `ticket` with a new or empty data directory `dir`: presents the invite
/// to the inviter, takes the team document, then syncs the whole library. Returns the
/// running node. A used, expired, altered or foreign ticket is refused and nothing is
/// created or changed.
pub async fn join(
    ticket: &Ticket,
    dir: &Path,
    identity: &Identity,
    options: Options,
) -> Result<(Node, SyncReport), SyncError> {
    if ticket.expired() {
        return Err(TicketError::Expired.into());
    }
    if dir.join(lore_core::DB_FILE).exists() {
        let mut existing = Library::open(dir, identity.writer())?;
        match existing.team() {
            Ok(team) if team.id != ticket.team => {
                return Err(TicketError::OtherTeam {
                    ticket_team: ticket.team_name.clone(),
                    library_team: team.name,
                }
                .into());
            }
            // A library whose team document was lost to damage fetches it again here.
            Ok(_) | Err(lore_core::Error::MissingTeam) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let inviter = ticket.inviter_addr()?;
    // Presenting uses a port of its own: the one asked for (`join --listen`) is the node's,
    // bound below, and a just-closed endpoint may still hold it.
    let presenting = Options {
        bind: std::net::SocketAddr::new(options.bind.ip(), 0),
        ..options.clone()
    };
    let (endpoint, _) = endpoint::bind(identity, &presenting, Vec::new(), Gate::default()).await?;
    let welcome = present(&endpoint, &inviter, ticket, identity).await;
    endpoint.close().await;
    drop(endpoint);
    let team_document = welcome?;
    // The inviter enters the address cache in the write that creates the library: a join
    // cut off at any later point is finished by the next `serve` (or app), which syncs
    // with known peers.
    let inviter_known = lore_core::KnownPeer {
        member: ticket.inviter.clone(),
        addrs: ticket.addrs.iter().map(ToString::to_string).collect(),
        last_sync: 0,
    };
    let library = Library::join_via(dir, identity.writer(), &team_document, inviter_known)?;
    let node = Node::start(library, identity, options).await?;
    let report = node.sync_with(inviter).await?;
    Ok((node, report))
}

/// Presents the invite; returns the team document the inviter answers with.
async fn present(
    endpoint: &Endpoint,
    inviter: &EndpointAddr,
    ticket: &Ticket,
    identity: &Identity,
) -> Result<Vec<u8>, SyncError> {
    let connection = endpoint
        .connect(inviter.clone(), JOIN_ALPN)
        .await
        .map_err(|source| SyncError::Unreachable {
            who: "the inviter".into(),
            source,
        })?;
    let (mut out, mut inp) = connection
        .open_bi()
        .await
        .map_err(|e| SyncError::Connection(Box::new(e)))?;
    let request = Frame::Join {
        team: ticket.team.clone(),
        secret: ticket.secret.clone(),
        role: ticket.role.as_str().to_string(),
        name: identity.name().to_string(),
    };
    frame::send(&mut out, &request).await?;
    let answer = frame::receive(&mut inp).await;
    if let Err(e) = out.finish() {
        debug!("the inviter closed the stream first: {e}");
    }
    connection.close(CLOSE_DONE.into(), b"done");
    match answer? {
        Frame::Welcome(team) => Ok(team),
        Frame::Refuse(reason) => Err(SyncError::RefusedByInviter { reason }),
        other => Err(SyncError::Malformed(format!(
            "expected Welcome, got {other:?}"
        ))),
    }
}
