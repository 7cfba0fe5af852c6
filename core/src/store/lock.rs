//! One process owns a library. The lock file holds the owner's pid so that a second
//! process can say who has it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Held for as long as the library is open; the OS releases it if the process dies.
#[derive(Debug)]
pub(crate) struct LibraryLock {
    _file: File,
}

/// How long a second process waits for the library before it says who has it: two
/// scripts adding entries at once take turns instead of one failing.
const WAIT: Duration = Duration::from_secs(5);

impl LibraryLock {
    /// Takes the lock of the library in `dir`, waiting up to a few seconds for another
    /// process to let go of it, or says which process has it.
    pub(crate) fn acquire(dir: &Path) -> Result<LibraryLock> {
        let path = dir.join("lore.lock");
        let io = |source| Error::DataDir {
            dir: dir.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        crate::private::restrict_to_owner(&path)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    return Err(Error::LibraryBusy {
                        dir: dir.to_path_buf(),
                        pid: text.trim().parse().ok(),
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        write!(file, "{}", std::process::id()).map_err(io)?;
        Ok(LibraryLock { _file: file })
    }
}
