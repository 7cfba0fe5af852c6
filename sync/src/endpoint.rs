//! The iroh endpoint on the device key, and the options that say how it reaches peers.

use std::net::SocketAddr;

use iroh::address_lookup::MemoryLookup;
use iroh::endpoint::{RelayMode, presets};
use iroh::tls::CaTlsConfig;
use iroh::{Endpoint, RelayUrl, SecretKey};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::SyncError;
use crate::gate::Gate;
use crate::identity::Identity;

/// How a node reaches its peers.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen, e.g. 0.0.0.0:7465 (or 127.0.0.1:0 in tests).
    pub bind: SocketAddr,
    /// A self-hosted iroh relay, for peers that cannot reach each other directly. Without
    /// one the node works on direct addresses alone and never waits for a relay.
    pub relay: Option<RelayUrl>,
    /// Announce this node and find teammates on the local network with mDNS.
    pub mdns: bool,
    /// Certificates (DER) trusted for the relay besides the usual authorities': a team
    /// relay with a certificate of its own, e.g. self-signed for an office without a
    /// domain name.
    pub relay_certs: Vec<Vec<u8>>,
}

impl Options {
    /// Direct addresses only: no relay, no mDNS.
    pub fn direct(bind: SocketAddr) -> Options {
        Options {
            bind,
            relay: None,
            mdns: false,
            relay_certs: Vec::new(),
        }
    }
}

/// The certificates of a PEM text, as DER (for [`Options::relay_certs`]).
pub fn certificates_of_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    if certs.is_empty() {
        return Err("no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}

/// An endpoint on the device key, accepting `alpns`, its connections passed through
/// `gate`. A relay only if one is configured; no address lookup service but one in memory
/// (returned: the node tells it where known peers are), so nothing waits on a service
/// that may be unreachable (the node adds mDNS when asked for).
pub(crate) async fn bind(
    identity: &Identity,
    options: &Options,
    alpns: Vec<Vec<u8>>,
    gate: Gate,
) -> Result<(Endpoint, MemoryLookup), SyncError> {
    let mut builder = Endpoint::builder(presets::Minimal)
        .secret_key(SecretKey::from_bytes(&identity.secret_bytes()))
        .clear_ip_transports()
        .bind_addr(options.bind)
        .map_err(|e| SyncError::Endpoint(Box::new(e)))?
        .alpns(alpns)
        .hooks(gate);
    if let Some(relay) = &options.relay {
        builder = builder.relay_mode(RelayMode::Custom(relay.clone().into()));
        if !options.relay_certs.is_empty() {
            let extra = options
                .relay_certs
                .iter()
                .map(|der| CertificateDer::from(der.clone()));
            builder = builder.ca_tls_config(CaTlsConfig::default().with_extra_roots(extra));
        }
    }
    let endpoint = builder
        .bind()
        .await
        .map_err(|e| SyncError::Endpoint(Box::new(e)))?;
    let lookup = MemoryLookup::new();
    endpoint
        .address_lookup()
        .map_err(|e| SyncError::Endpoint(Box::new(e)))?
        .add(lookup.clone());
    Ok((endpoint, lookup))
}
