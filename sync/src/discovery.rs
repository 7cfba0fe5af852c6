//! Finding teammates on the local network: the node announces itself with mDNS and tells
//! whoever started discovery about each Lore machine that shows up. Whether a machine is a
//! teammate's, and what to do then, is the node's to say (through [`Teammates`]):
//! discovery knows nothing of the library, the roster or sessions.

use futures_util::StreamExt;
use iroh::Endpoint;
use iroh_mdns_address_lookup::{DiscoveryEvent, MdnsAddressLookup};
use tracing::{debug, info, warn};

use crate::addr::{member_of, short};
use crate::error::SyncError;

/// The mDNS service name Lore nodes announce themselves under.
pub const SERVICE: &str = "lore";

/// What discovery needs from the node it runs for.
pub(crate) trait Teammates: Send + Sync + 'static {
    /// A Lore machine of `member` announced itself at `addrs`. Records where it is if it
    /// belongs to an active member of the team; returns whether it does.
    fn found(&self, member: &str, addrs: Vec<String>) -> Result<bool, SyncError>;

    /// Sync with the known peers now.
    fn sync_now(&self);
}

/// Starts announcing `endpoint` and listening; returns the task that tells `teammates`
/// what is found.
pub(crate) fn start(
    endpoint: &Endpoint,
    teammates: impl Teammates,
) -> Result<tokio::task::JoinHandle<()>, SyncError> {
    let mdns = MdnsAddressLookup::builder()
        .service_name(SERVICE)
        .build(endpoint.id())
        .map_err(|e| SyncError::Discovery(Box::new(e)))?;
    endpoint
        .address_lookup()
        .map_err(|e| SyncError::Discovery(Box::new(e)))?
        .add(mdns.clone());
    let me = endpoint.id();
    Ok(tokio::spawn(async move {
        let mut events = mdns.subscribe().await;
        while let Some(event) = events.next().await {
            let DiscoveryEvent::Discovered { endpoint_info, .. } = event else {
                continue;
            };
            if endpoint_info.endpoint_id == me {
                continue;
            }
            let member = member_of(&endpoint_info.endpoint_id);
            let addrs: Vec<String> = endpoint_info
                .ip_addrs()
                .map(ToString::to_string)
                .chain(endpoint_info.relay_urls().map(ToString::to_string))
                .collect();
            match teammates.found(&member, addrs.clone()) {
                Ok(true) => {
                    info!(peer = %short(&member), ?addrs, "found a teammate on the local network");
                    teammates.sync_now();
                }
                Ok(false) => debug!(%member, "a Lore node of someone not on the roster"),
                Err(e) => warn!(
                    peer = %short(&member),
                    "cannot record a discovered peer: {}",
                    e.chain()
                ),
            }
        }
    }))
}
