//! The local socket. While a node (`lore serve`, the desktop app) owns a library, other
//! `lore` commands on the same data directory cannot open it; instead they hand their
//! arguments (and standard input, when the command reads it) to the node over a Unix
//! socket in the data directory, which only the owner can open, and print what it answers.
//! The node runs the very same command code on its open library.
//!
//! The desktop app also answers one request that is not a command: another `lore` started
//! without a command (a second app on the same library) asks it to show its window
//! ([`show_window`]), and then ends instead of waiting for the library's lock.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, anyhow};
use clap::Parser;
use lore_core::Library;
use lore_sync::Node;
use serde::{Deserialize, Serialize};

use super::args::{Cli, Command};
use super::output;

/// The socket's file name in the data directory.
pub const SOCKET: &str = "lore.sock";

/// The largest request a client may send (arguments and standard input).
const MAX_REQUEST: u64 = 64 * 1024 * 1024;

/// What a command run inside a node works with.
pub(crate) struct Served {
    pub data_dir: PathBuf,
    pub library: Arc<Mutex<Library>>,
    pub node: Arc<Node>,
    /// Where teammates reach the node: for tickets.
    pub reachable: Vec<std::net::SocketAddr>,
    pub relay: Option<String>,
    /// What the front end holding the library does when another `lore` asks for its
    /// window: the app shows it; `lore serve` has none.
    pub raise: Option<Raise>,
}

/// How a running front end shows its window when asked (called on the socket's thread).
#[derive(Clone)]
pub struct Raise(pub Arc<dyn Fn() + Send + Sync>);

impl std::fmt::Debug for Raise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Raise")
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    args: Vec<String>,
    cwd: PathBuf,
    stdin: Option<String>,
    /// Not a command: show the window of the app that holds the library.
    #[serde(default)]
    show: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Response {
    stdout: String,
    stderr: String,
    ok: bool,
    error: Option<String>,
}

/// Commands a node runs for another process: everything that works on the library.
fn forwardable(command: &Option<Command>) -> bool {
    !matches!(
        command,
        None | Some(Command::Join(_) | Command::Serve(_) | Command::Template(_))
    )
}

/// Whether the command reads standard input.
fn reads_stdin(command: &Option<Command>) -> bool {
    match command {
        Some(Command::Add(a)) => a.body == "-",
        Some(Command::Edit(a)) => a.body.as_deref() == Some("-"),
        Some(Command::Suggest(a)) => a.text.as_deref().is_none_or(|t| t == "-"),
        _ => false,
    }
}

/// Paths in the arguments, made absolute against the caller's working directory (the
/// node runs elsewhere).
fn absolutize(command: &mut Option<Command>, cwd: &Path) {
    match command {
        Some(Command::Import(a)) => {
            for f in &mut a.files {
                *f = cwd.join(&*f);
            }
        }
        Some(Command::Export(a)) if a.out.as_os_str() != "-" => a.out = cwd.join(&a.out),
        Some(Command::Insights(a)) => a.report = a.report.take().map(|r| cwd.join(r)),
        _ => {}
    }
}

/// If a node serves the data directory `cli` names, runs the command there and returns its
/// outcome; `None` when the command should run in this process.
pub(crate) fn forward(cli: &Cli) -> Option<Result<ExitCode>> {
    if !forwardable(&cli.command) {
        return None;
    }
    let path = super::data_dir(cli).ok()?.join(SOCKET);
    let stream = connect(&path)?;
    Some(ask(stream, cli))
}

#[cfg(unix)]
fn connect(path: &Path) -> Option<std::os::unix::net::UnixStream> {
    // No socket, or nobody listening on it (a node that stopped uncleanly): run here.
    std::os::unix::net::UnixStream::connect(path).ok()
}

#[cfg(not(unix))]
fn connect(_path: &Path) -> Option<std::net::TcpStream> {
    None
}

/// If a front end holds the library in `data_dir`, asks it to show its window: `Some(Ok)`
/// once the running app has, `Some(Err)` saying why not (`lore serve` has no window);
/// `None` when nothing serves the directory (this process opens the app itself).
pub(crate) fn show_window(data_dir: &Path) -> Option<Result<()>> {
    let stream = connect(&data_dir.join(SOCKET))?;
    let request = Request {
        args: Vec::new(),
        cwd: PathBuf::new(),
        stdin: None,
        show: true,
    };
    Some(
        exchange(stream, &request).and_then(|response| match response.error {
            Some(error) => Err(anyhow!(error)),
            None => Ok(()),
        }),
    )
}

/// Sends one request and reads the node's answer.
fn exchange(mut stream: impl Read + Write, request: &Request) -> Result<Response> {
    let mut bytes = serde_json::to_vec(request)?;
    bytes.push(b'\n');
    stream
        .write_all(&bytes)
        .context("sending the request to the running Lore node")?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .context("reading the running Lore node's answer")?;
    serde_json::from_slice(&answer)
        .map_err(|e| anyhow!("the running Lore node sent an unreadable answer: {e}"))
}

fn ask(stream: impl Read + Write, cli: &Cli) -> Result<ExitCode> {
    let stdin = if reads_stdin(&cli.command) {
        Some(output::read_stdin()?)
    } else {
        None
    };
    let request = Request {
        args: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        cwd: std::env::current_dir().context("finding the working directory")?,
        stdin,
        show: false,
    };
    let response = exchange(stream, &request)?;
    if !response.stderr.is_empty() {
        eprint!("{}", response.stderr);
    }
    for line in response.stdout.lines() {
        output::say!("{line}");
    }
    match response.error {
        Some(error) => Err(anyhow!(error)),
        None if response.ok => Ok(ExitCode::SUCCESS),
        None => Ok(ExitCode::FAILURE),
    }
}

/// Serves commands on the socket in `served.data_dir` until the process ends; the returned
/// guard removes the socket file when dropped.
#[cfg(unix)]
pub(crate) fn listen(served: Arc<Served>) -> Result<SocketFile> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};

    let path = served.data_dir.join(SOCKET);
    if UnixStream::connect(&path).is_ok() {
        return Err(anyhow!(
            "another Lore node already serves {}",
            served.data_dir.display()
        ));
    }
    // A socket left by a node that stopped uncleanly.
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)
        .with_context(|| format!("opening the local socket {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {} to its owner", path.display()))?;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stopped = stop.clone();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let served = served.clone();
            std::thread::spawn(move || answer(&served, stream));
        }
    });
    Ok(SocketFile {
        path,
        stop,
        thread: Some(thread),
    })
}

#[cfg(not(unix))]
pub(crate) fn listen(_served: Arc<Served>) -> Result<SocketFile> {
    Ok(SocketFile {
        path: PathBuf::new(),
        stop: Arc::default(),
        thread: None,
    })
}

/// The listening socket: dropping it stops the listener (which lets go of the node and
/// its library) and removes the file.
pub(crate) struct SocketFile {
    path: PathBuf,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return;
        }
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the listener so it sees the flag. If the socket file is gone (the data
        // directory was deleted under the node), nothing can wake it: it is left to end
        // with the process rather than hang the stop.
        #[cfg(unix)]
        let woken = std::os::unix::net::UnixStream::connect(&self.path).is_ok();
        #[cfg(not(unix))]
        let woken = false;
        // When this returns, the listener has let go of the node and its library.
        if let Some(thread) = self.thread.take()
            && woken
            && thread.join().is_err()
        {
            tracing::warn!("the local socket's listener panicked");
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs one client's command and sends back what it printed.
fn answer(served: &Arc<Served>, mut stream: impl Read + Write) {
    // One request: a line of JSON (the client keeps its end open for the answer).
    let mut line = Vec::new();
    let read = std::io::BufRead::read_until(
        &mut std::io::BufReader::new((&mut stream).take(MAX_REQUEST)),
        b'\n',
        &mut line,
    )
    .map_err(|e| e.to_string())
    .and_then(|_| serde_json::from_slice::<Request>(&line).map_err(|e| e.to_string()));
    let response = match read {
        Ok(request) => run(served, request),
        Err(e) => Response {
            stdout: String::new(),
            stderr: String::new(),
            ok: false,
            error: Some(format!("an unreadable request on the local socket: {e}")),
        },
    };
    if let Ok(bytes) = serde_json::to_vec(&response) {
        let _ = stream.write_all(&bytes);
    }
}

fn run(served: &Arc<Served>, request: Request) -> Response {
    let refused = |error: String| Response {
        stdout: String::new(),
        stderr: String::new(),
        ok: false,
        error: Some(error),
    };
    if request.show {
        return match &served.raise {
            Some(raise) => {
                (raise.0)();
                Response {
                    stdout: String::new(),
                    stderr: String::new(),
                    ok: true,
                    error: None,
                }
            }
            None => refused(format!(
                "`lore serve` holds the library in {} and has no window; stop it to open the app",
                served.data_dir.display()
            )),
        };
    }
    let mut cli = match Cli::try_parse_from(&request.args) {
        Ok(cli) => cli,
        Err(e) => return refused(e.to_string()),
    };
    if !forwardable(&cli.command) {
        return refused(format!(
            "a Lore node is running on {}; stop it before running this command",
            served.data_dir.display()
        ));
    }
    absolutize(&mut cli.command, &request.cwd);
    let (result, captured) =
        output::capture(request.stdin, || super::run(cli, Some(served.clone())));
    // Whatever the command changed goes to the team now.
    served.node.changed();
    Response {
        stdout: captured.stdout,
        stderr: captured.stderr,
        ok: matches!(result, Ok(code) if code == ExitCode::SUCCESS),
        error: result.err().map(|e| format!("{e:#}")),
    }
}
