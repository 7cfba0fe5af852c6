//! Invite tickets: what an admin hands a new member, as one line of text. The text carries
//! a checksum so a damaged copy is caught before anything connects; what it claims is
//! checked again by the inviting library when it is used.

use std::net::SocketAddr;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use lore_core::Role;
use serde::{Deserialize, Serialize};

use crate::addr::endpoint_addr;
use crate::error::{SyncError, TicketError};

const PREFIX: &str = "lore1";
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// An invite to a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The team's id.
    pub team: String,
    /// The team's name, for messages.
    pub team_name: String,
    /// The inviting member (their device's public key, hex).
    pub inviter: String,
    /// Where the inviter's node listens.
    pub addrs: Vec<SocketAddr>,
    /// The inviter's relay, if the team runs one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    /// The role the new member gets.
    pub role: Role,
    /// The invite's secret, checked against the inviter's invite record.
    pub secret: String,
    /// Milliseconds since the Unix epoch.
    pub expires_at: i64,
    /// The inviter's signature (hex) over every other field: a ticket altered after it was
    /// made (its expiry stretched, its role raised) is refused when it is read.
    #[serde(default)]
    pub signature: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

fn checksum(bytes: &[u8]) -> [u8; 4] {
    let mut hash: u32 = 0x811c_9dc5;
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.to_be_bytes()
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xFF) as u8);
        }
    }
    Some(out)
}

impl std::fmt::Display for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut bytes = serde_json::to_vec(self).map_err(|_| std::fmt::Error)?;
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum);
        write!(f, "{PREFIX}{}", encode(&bytes))
    }
}

impl FromStr for Ticket {
    type Err = SyncError;

    fn from_str(s: &str) -> Result<Ticket, SyncError> {
        let text: String = s.split_whitespace().collect::<String>().to_lowercase();
        let Some(body) = text.strip_prefix(PREFIX) else {
            return Err(TicketError::NotATicket.into());
        };
        let bytes = decode(body).ok_or(TicketError::Damaged)?;
        if bytes.len() < 4 {
            return Err(TicketError::Damaged.into());
        }
        let (json, sum) = bytes.split_at(bytes.len() - 4);
        if checksum(json) != sum {
            return Err(TicketError::Damaged.into());
        }
        // The checksum held, so the text is as it was made; content that still does not
        // read is a ticket of another version, which the user can only copy again too.
        let ticket: Ticket = serde_json::from_slice(json).map_err(|_| TicketError::Damaged)?;
        ticket.verify()?;
        Ok(ticket)
    }
}

impl Ticket {
    /// The ticket for `invite` of `team`, made and signed by the inviter whose device key
    /// is `key`, who is reached at `addrs` or through `relay`.
    pub fn for_invite(
        team: &lore_core::Team,
        key: &SigningKey,
        addrs: Vec<SocketAddr>,
        relay: Option<String>,
        invite: &lore_core::Invite,
    ) -> Ticket {
        let mut ticket = Ticket {
            team: team.id.clone(),
            team_name: team.name.clone(),
            inviter: hex(key.verifying_key().as_bytes()),
            addrs,
            relay,
            role: invite.role,
            secret: invite.secret.clone(),
            expires_at: invite.expires_at,
            signature: String::new(),
        };
        ticket.signature = hex(&key.sign(&ticket.signed_bytes()).to_bytes());
        ticket
    }

    /// What the signature covers: the ticket with an empty signature, as JSON.
    fn signed_bytes(&self) -> Vec<u8> {
        let unsigned = Ticket {
            signature: String::new(),
            ..self.clone()
        };
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }

    /// Checks that the inviter named in the ticket signed every field of it.
    fn verify(&self) -> Result<(), TicketError> {
        let key = unhex::<32>(&self.inviter)
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .ok_or(TicketError::Altered)?;
        let signature = unhex::<64>(&self.signature)
            .map(|s| Signature::from_bytes(&s))
            .ok_or(TicketError::Altered)?;
        key.verify(&self.signed_bytes(), &signature)
            .map_err(|_| TicketError::Altered)
    }

    /// Where the inviter can be reached: its addresses and relay.
    pub fn inviter_addr(&self) -> Result<iroh::EndpointAddr, SyncError> {
        let mut addr = endpoint_addr(&self.inviter, &self.addrs)?;
        if let Some(relay) = &self.relay {
            let url = relay
                .parse::<iroh::RelayUrl>()
                .map_err(|_| TicketError::BadRelay(relay.clone()))?;
            addr = addr.with_relay_url(url);
        }
        Ok(addr)
    }

    /// Whether the ticket's expiry has passed.
    pub fn expired(&self) -> bool {
        self.expires_at < lore_core::model::now_millis()
    }
}
