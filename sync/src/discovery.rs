//! Finding teammates on the local network: the node announces itself with mDNS and, when a
//! machine of a member of its roster shows up, records where it is and syncs with it.
//! Machines of other people are ignored (and would be refused at the handshake anyway).

use std::sync::Arc;

use futures_util::StreamExt;
use iroh_mdns_address_lookup::{DiscoveryEvent, MdnsAddressLookup};
use tracing::{debug, info, warn};

use crate::SyncError;
use crate::node::{Shared, member_of};
use crate::session::lock;

/// The mDNS service name Lore nodes announce themselves under.
pub const SERVICE: &str = "lore";

/// Starts announcing and listening; returns the task that acts on what is found.
pub(crate) fn start(shared: &Arc<Shared>) -> Result<tokio::task::JoinHandle<()>, SyncError> {
    let endpoint = shared.endpoint();
    let mdns = MdnsAddressLookup::builder()
        .service_name(SERVICE)
        .build(endpoint.id())
        .map_err(|e| SyncError::Endpoint(format!("cannot start mDNS discovery: {e}")))?;
    endpoint
        .address_lookup()
        .map_err(|e| SyncError::Endpoint(format!("cannot start mDNS discovery: {e}")))?
        .add(mdns.clone());
    let shared = shared.clone();
    Ok(tokio::spawn(async move {
        let mut events = mdns.subscribe().await;
        while let Some(event) = events.next().await {
            let DiscoveryEvent::Discovered { endpoint_info, .. } = event else {
                continue;
            };
            let member = member_of(&endpoint_info.endpoint_id);
            if member == shared.member() {
                continue;
            }
            let addrs: Vec<String> = endpoint_info
                .ip_addrs()
                .map(ToString::to_string)
                .chain(endpoint_info.relay_urls().map(ToString::to_string))
                .collect();
            let known = lock(shared.library()).and_then(|mut library| {
                let team = library.team()?;
                let member_now = team.members.get(&member).is_some_and(|m| !m.removed);
                if member_now {
                    library.learn_peer(&member, addrs.clone())?;
                }
                Ok(member_now)
            });
            match known {
                Ok(true) => {
                    info!(peer = %member.chars().take(12).collect::<String>(), ?addrs, "found a teammate on the local network");
                    shared.wake();
                }
                Ok(false) => debug!(%member, "a Lore node of someone not on the roster"),
                Err(e) => warn!("cannot record a discovered peer: {e}"),
            }
        }
    }))
}
