//! What went wrong, as the UI words it: the library's and the network's errors are found
//! in an error's chain by their types (never by their text) and become a [`Problem`]
//! beside the English detail.

use lore_core::Error;
use lore_sync::{SyncError, TicketError};

use crate::gui::jobs::{Failure, Problem};

/// The failure the user is told of for `e`.
pub fn failure(e: &anyhow::Error) -> Failure {
    let problem = e
        .chain()
        .find_map(|cause| {
            if let Some(e) = cause.downcast_ref::<Error>() {
                Some(of_library(e))
            } else if let Some(e) = cause.downcast_ref::<SyncError>() {
                of_sync(e)
            } else {
                cause.downcast_ref::<TicketError>().map(of_ticket)
            }
        })
        .unwrap_or(Problem::Other);
    Failure {
        problem,
        detail: format!("{e:#}"),
    }
}

fn of_library(e: &Error) -> Problem {
    match e {
        Error::LibraryBusy { pid, .. } => Problem::Busy { pid: *pid },
        Error::NotFound(id) => Problem::NotFound { id: id.clone() },
        Error::AmbiguousId { prefix, .. } => Problem::Ambiguous {
            prefix: prefix.clone(),
        },
        Error::Forbidden(denied) => Problem::Denied(denied.clone()),
        Error::ShortcodeTaken { shortcode, id } => Problem::ShortcodeTaken {
            shortcode: shortcode.clone(),
            id: id.clone(),
        },
        Error::Invalid(_) => Problem::Invalid,
        Error::Import { .. } => Problem::Import { problems: 1 },
        Error::ImportRejected(problems) => Problem::Import {
            problems: problems.len(),
        },
        Error::NotInGbk { id, character, .. } => Problem::NotInGbk {
            id: id.clone(),
            character: *character,
        },
        Error::ExportFolderNotEmpty(_) | Error::SiteFolderNotOurs(_) => Problem::FolderNotEmpty,
        Error::InviteRefused(_) => Problem::InviteRefused,
        Error::Refused { .. } => Problem::PeerRefused,
        Error::DamagedDatabase(_)
        | Error::CorruptEntry { .. }
        | Error::CorruptDocument { .. }
        | Error::Document(_) => Problem::Damaged,
        Error::MissingTeam => Problem::MissingTeam,
        Error::DataDir { .. } | Error::Database(_) | Error::Read { .. } | Error::Write { .. } => {
            Problem::Disk
        }
        Error::Search(_) => Problem::Search,
    }
}

/// `None` for a library error inside: the chain goes on to it.
fn of_sync(e: &SyncError) -> Option<Problem> {
    match e {
        SyncError::Library(_) => None,
        SyncError::Ticket(ticket) => Some(of_ticket(ticket)),
        SyncError::RefusedByInviter { .. } => Some(Problem::InviteRefused),
        SyncError::Refused(_) | SyncError::RefusedByPeer { .. } => Some(Problem::PeerRefused),
        SyncError::Unreachable { .. }
        | SyncError::Connection(_)
        | SyncError::Endpoint(_)
        | SyncError::Discovery(_)
        | SyncError::StayedBusy { .. }
        | SyncError::Busy
        | SyncError::Malformed(_) => Some(Problem::Network),
        SyncError::Poisoned(_) | SyncError::NotADeviceKey(_) => Some(Problem::Other),
    }
}

fn of_ticket(e: &TicketError) -> Problem {
    match e {
        TicketError::NotATicket => Problem::NotATicket,
        TicketError::Damaged => Problem::TicketDamaged,
        TicketError::Altered => Problem::TicketAltered,
        TicketError::Expired => Problem::TicketExpired,
        TicketError::OtherTeam {
            ticket_team,
            library_team,
        } => Problem::TicketOtherTeam {
            ticket: ticket_team.clone(),
            library: library_team.clone(),
        },
        TicketError::BadRelay(_) => Problem::NotATicket,
    }
}
