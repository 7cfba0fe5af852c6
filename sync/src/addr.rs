//! Who and where a peer is: member ids from endpoint ids and back, and addresses as text
//! (what the address cache stores and Hellos carry) and back.

use std::net::{IpAddr, SocketAddr};

use iroh::endpoint::Connection;
use iroh::{Endpoint, EndpointAddr, RelayUrl, TransportAddr};
use tracing::warn;

use crate::error::SyncError;

/// The member id of an endpoint: its public key, hex.
pub fn member_of(id: &iroh::EndpointId) -> String {
    id.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// A member id short enough for a log line.
pub(crate) fn short(member: &str) -> String {
    member.chars().take(12).collect()
}

/// The address of the member `member` (hex device key) reachable at `addrs`.
pub fn endpoint_addr(member: &str, addrs: &[SocketAddr]) -> Result<EndpointAddr, SyncError> {
    let bad = || SyncError::NotADeviceKey(member.to_string());
    if member.len() != 64 {
        return Err(bad());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        let pair = member.get(2 * i..2 * i + 2).ok_or_else(bad)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
    }
    let id = iroh::PublicKey::from_bytes(&key).map_err(|_| bad())?;
    let mut addr = EndpointAddr::new(id);
    for a in addrs {
        addr = addr.with_ip_addr(*a);
    }
    Ok(addr)
}

/// The address of `member` at `addrs` as text: socket addresses and relay URLs. Anything
/// else is skipped with a warning (the other addresses may still reach the peer).
pub fn peer_addr(member: &str, addrs: &[String]) -> Result<EndpointAddr, SyncError> {
    let mut sockets = Vec::new();
    let mut relays = Vec::new();
    for a in addrs {
        if let Ok(socket) = a.parse::<SocketAddr>() {
            sockets.push(socket);
        } else if let Ok(relay) = a.parse::<RelayUrl>() {
            relays.push(relay);
        } else {
            warn!(peer = %short(member), "skipping `{a}`: neither a socket address nor a relay URL");
        }
    }
    let mut addr = endpoint_addr(member, &sockets)?;
    for relay in relays {
        addr = addr.with_relay_url(relay);
    }
    Ok(addr)
}

/// An address as text: its sockets, then its relays.
pub(crate) fn addr_text(addr: &EndpointAddr) -> Vec<String> {
    addr.ip_addrs()
        .map(ToString::to_string)
        .chain(addr.relay_urls().map(ToString::to_string))
        .collect()
}

/// This node's address: its id, bound sockets and relay.
pub(crate) fn own_addr(endpoint: &Endpoint, relay: Option<&RelayUrl>) -> EndpointAddr {
    let mut addr = EndpointAddr::new(endpoint.id());
    for socket in endpoint.bound_sockets() {
        addr = addr.with_ip_addr(socket);
    }
    if let Some(relay) = relay {
        addr = addr.with_relay_url(relay.clone());
    }
    addr
}

/// Where this node listens, as its Hello says: bound sockets, then the relay.
pub(crate) fn listening(endpoint: &Endpoint, relay: Option<&RelayUrl>) -> Vec<String> {
    let mut addrs: Vec<String> = endpoint
        .bound_sockets()
        .iter()
        .map(ToString::to_string)
        .collect();
    addrs.extend(relay.map(ToString::to_string));
    addrs
}

/// The address a connection runs over (a socket address, or iroh's name for a relay path).
pub(crate) fn remote_addr(conn: &Connection) -> Option<String> {
    let paths = conn.paths();
    let selected = paths
        .iter()
        .find(|p| p.is_selected())
        .or_else(|| paths.iter().next());
    selected.map(|p| match p.remote_addr() {
        TransportAddr::Ip(a) => a.to_string(),
        other => format!("{other:?}"),
    })
}

/// The IP a connection's peer was seen at, if it came directly.
pub(crate) fn seen_ip(conn: &Connection) -> Option<IpAddr> {
    conn.paths().iter().find_map(|p| match p.remote_addr() {
        TransportAddr::Ip(a) => Some(a.ip()),
        _ => None,
    })
}

/// Where a peer that dialled us listens: what its Hello announced, with an unspecified IP
/// (it listens on all interfaces) replaced by the one it was `seen` at. An announced text
/// that is no address is skipped with a warning.
pub(crate) fn announced(peer: &str, addrs: &[String], seen: Option<IpAddr>) -> Vec<String> {
    addrs
        .iter()
        .filter_map(|a| match a.parse::<SocketAddr>() {
            Ok(s) if s.ip().is_unspecified() => {
                seen.map(|ip| SocketAddr::new(ip, s.port()).to_string())
            }
            Ok(s) => Some(s.to_string()),
            Err(_) => match a.parse::<RelayUrl>() {
                Ok(relay) => Some(relay.to_string()),
                Err(_) => {
                    warn!(peer = %short(peer), "the peer announced `{a}`, which is no address; skipped");
                    None
                }
            },
        })
        .collect()
}
