//! The device identity: an ed25519 key (the same secret iroh uses as its node key) kept in
//! the data directory with owner-only permissions, and the member profile (display name).
//!
//! The member id is the hex public key, so a member is recognisable by any peer that
//! authenticates the device.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use lore_core::Writer;
use serde::{Deserialize, Serialize};

/// The key file inside the data directory.
pub const KEY_FILE: &str = "device.key";
/// The profile file inside the data directory.
pub const PROFILE_FILE: &str = "profile.json";

/// What can go wrong with the identity files.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A file of the identity could not be read or written.
    #[error("cannot read or write {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The device key is not 32 bytes.
    #[error(
        "{path} is damaged (expected a 32-byte key, found {len} bytes); restore it from a backup, \
         or move it away to start as a new member"
    )]
    BadKey {
        /// The key file.
        path: PathBuf,
        /// Its length in bytes.
        len: usize,
    },
    /// The device key can be read by other users.
    #[error(
        "{path} can be read by other users (mode {mode:o}); run `chmod 600 {path}` and try again"
    )]
    KeyExposed {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The profile is not valid JSON of a profile.
    #[error(
        "{path} is damaged: {detail}; fix it or delete it (the display name will be asked again)"
    )]
    BadProfile {
        /// The profile file.
        path: PathBuf,
        /// What does not parse.
        detail: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Profile {
    name: String,
}

/// This device's key and member profile.
pub struct Identity {
    key: SigningKey,
    name: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("member", &self.member_id())
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Loads the identity of the data directory `dir`, creating the key on first use.
    /// `name` (from `--name`) sets the display name; otherwise the stored one is kept, and a
    /// new profile takes the OS user name.
    pub fn load_or_create(dir: &Path, name: Option<&str>) -> Result<Identity, IdentityError> {
        let key = load_or_create_key(&dir.join(KEY_FILE))?;
        let profile_path = dir.join(PROFILE_FILE);
        let stored = read_profile(&profile_path)?;
        let wanted = name.map(str::trim).filter(|n| !n.is_empty());
        let name = match (wanted, stored) {
            (Some(n), Some(s)) if n == s => s,
            (Some(n), _) => {
                write_atomic(
                    &profile_path,
                    &Profile {
                        name: n.to_string(),
                    },
                )?;
                n.to_string()
            }
            (None, Some(s)) => s,
            (None, None) => {
                let n = os_user_name();
                write_atomic(&profile_path, &Profile { name: n.clone() })?;
                n
            }
        };
        Ok(Identity { key, name })
    }

    /// Like [`Identity::load_or_create`] without a name, except that a data directory with
    /// no profile keeps having none: the identity goes by the OS user name until a name is
    /// given, and `false` says no name was stored yet (the app asks for one first).
    pub fn load_unnamed(dir: &Path) -> Result<(Identity, bool), IdentityError> {
        let key = load_or_create_key(&dir.join(KEY_FILE))?;
        Ok(match read_profile(&dir.join(PROFILE_FILE))? {
            Some(name) => (Identity { key, name }, true),
            None => (
                Identity {
                    key,
                    name: os_user_name(),
                },
                false,
            ),
        })
    }

    /// The member id: the device's public key, hex.
    pub fn member_id(&self) -> String {
        self.key
            .verifying_key()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The device key, which signs what this member hands out (invite tickets).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The 32 secret bytes (what iroh takes as its node secret key).
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// A document writer for this member with a fresh actor id (one per process).
    pub fn writer(&self) -> Writer {
        Writer::new(self.key.clone(), self.name.clone())
    }
}

/// The display name stored in the profile at `path`, if there is one.
fn read_profile(path: &Path) -> Result<Option<String>, IdentityError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(
            serde_json::from_slice::<Profile>(&bytes)
                .map_err(|e| IdentityError::BadProfile {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                })?
                .name,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(IdentityError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn load_or_create_key(path: &Path) -> Result<SigningKey, IdentityError> {
    let io = |source| IdentityError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            check_private(path)?;
            let secret: [u8; 32] =
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| IdentityError::BadKey {
                        path: path.to_path_buf(),
                        len: bytes.len(),
                    })?;
            Ok(SigningKey::from_bytes(&secret))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|e| io(std::io::Error::other(e)))?;
            // Written whole to a private temporary file, then linked into place: a crash
            // leaves either no key or a complete one, and if another process created the
            // key meanwhile, the link fails and theirs is used.
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            let mut options = OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp).map_err(io)?;
            file.write_all(&secret).map_err(io)?;
            file.sync_all().map_err(io)?;
            drop(file);
            let linked = std::fs::hard_link(&tmp, path);
            if let Err(e) = std::fs::remove_file(&tmp) {
                // The key is fine either way, but the leftover is a second copy of it.
                tracing::warn!(
                    "cannot remove {}, a copy of the device key: {e}; delete it by hand",
                    tmp.display()
                );
            }
            match linked {
                Ok(()) => Ok(SigningKey::from_bytes(&secret)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_key(path),
                Err(e) => Err(io(e)),
            }
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), IdentityError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| IdentityError::Io {
            path: path.to_path_buf(),
            source,
        })?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(IdentityError::KeyExposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), IdentityError> {
    Ok(())
}

fn write_atomic(path: &Path, profile: &Profile) -> Result<(), IdentityError> {
    let io = |source| IdentityError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("json.partial");
    let bytes = serde_json::to_vec_pretty(profile).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::write(&tmp, bytes).map_err(io)?;
    // Owner-only like everything in the data directory (it names the member).
    lore_core::restrict_to_owner(&tmp).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn os_user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "me".to_string())
}
