//! The inviter's side of joining, served on `lore/join/1`: a new member presents a ticket;
//! it is checked against this library's invite record (unknown, used, expired or an
//! altered role is refused), the member is added as an admin change, and the answer is
//! the team document. The joiner's side is `join`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use lore_core::{Library, Role};
use tracing::{debug, info, warn};

use crate::addr::{member_of, short};
use crate::error::{Refusal, SyncError};
use crate::frame::{self, Frame};
use crate::library::lock;

/// How long the inviter keeps the connection for the joiner to read the answer and close.
const LINGER: Duration = Duration::from_secs(10);

/// Accepts invites: checks the ticket against the invite record and adds the member.
#[derive(Debug, Clone)]
pub(crate) struct JoinHandler {
    library: Arc<Mutex<Library>>,
}

impl JoinHandler {
    /// Welcomes new members into `library`'s team.
    pub(crate) fn new(library: Arc<Mutex<Library>>) -> JoinHandler {
        JoinHandler { library }
    }
}

impl ProtocolHandler for JoinHandler {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let (mut out, mut inp) = connection.accept_bi().await?;
        let member = member_of(&connection.remote_id());
        let answer = match frame::receive(&mut inp).await {
            Ok(Frame::Join {
                team,
                secret,
                role,
                name,
            }) => welcome(&self.library, &member, &team, &secret, &role, &name),
            Ok(other) => Frame::Refuse(format!("expected Join, got {other:?}")),
            Err(e) => Frame::Refuse(e.chain().to_string()),
        };
        match &answer {
            Frame::Welcome(_) => info!(member = %short(&member), "a new member joined"),
            Frame::Refuse(reason) => info!(member = %short(&member), "invite refused: {reason}"),
            _ => {}
        }
        if let Err(e) = frame::send(&mut out, &answer).await {
            // A welcome that is lost leaves a member on the roster whose node never heard
            // it: worth a warning, since the invite is used up.
            warn!(member = %short(&member), "could not answer the invite: {}", e.chain());
        }
        if let Err(e) = out.finish() {
            debug!(member = %short(&member), "the joiner closed the stream first: {e}");
        }
        // The joiner closes once it has read the answer; don't wait longer than LINGER.
        if tokio::time::timeout(LINGER, connection.closed())
            .await
            .is_err()
        {
            debug!(member = %short(&member), "the joiner kept the connection open");
        }
        drop((out, inp));
        Ok(())
    }
}

/// The answer to a presented invite: the team document, or why not.
fn welcome(
    library: &Mutex<Library>,
    member: &str,
    team: &str,
    secret: &str,
    role: &str,
    name: &str,
) -> Frame {
    let outcome = (|| -> Result<Vec<u8>, SyncError> {
        let mut lib = lock(library)?;
        if lib.team()?.id != team {
            return Err(SyncError::Refused(Refusal::TicketForAnotherTeam));
        }
        let role: Role = role
            .parse()
            .map_err(|_| SyncError::Refused(Refusal::NoValidRole))?;
        Ok(lib.accept_invite(secret, role, member, name)?)
    })();
    match outcome {
        Ok(team) => Frame::Welcome(team),
        Err(e) => Frame::Refuse(e.chain().to_string()),
    }
}
