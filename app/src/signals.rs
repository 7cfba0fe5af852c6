//! Requests to stop from outside the process: Ctrl-C (SIGINT), SIGTERM (how service
//! managers and a session's logout stop a process) and SIGHUP (a closed terminal).
//! `lore serve` and the desktop app both take each as a clean stop: the search index
//! committed, the node stopped, the local socket removed, the library lock released, and
//! exit code 0.
//!
//! Both front ends use this module, so neither imports the other for it.

use std::future::Future;

use anyhow::{Context as _, Result, anyhow};

/// Listens for a request to stop and returns a future that ends with the signal's name.
/// The handlers are installed when this returns, so from then on no stop signal finds the
/// default action (an unclean exit) in place. Call it inside a tokio runtime.
pub fn stop_signals() -> Result<impl Future<Output = &'static str>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let listen = |kind: SignalKind, name: &str| {
            signal(kind).with_context(|| format!("listening for {name}"))
        };
        let mut int = listen(SignalKind::interrupt(), "Ctrl-C")?;
        let mut term = listen(SignalKind::terminate(), "SIGTERM")?;
        let mut hup = listen(SignalKind::hangup(), "SIGHUP")?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
                _ = hup.recv() => "SIGHUP",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            if tokio::signal::ctrl_c().await.is_err() {
                tracing::warn!("cannot listen for Ctrl-C; stopping");
            }
            "Ctrl-C"
        })
    }
}

/// [`stop_signals`] for code without a runtime of its own (the desktop app): installs the
/// handlers before it returns, then runs `then` with the signal's name, on a thread of its
/// own, when the first one arrives.
pub fn on_stop(then: impl FnOnce(&'static str) + Send + 'static) -> Result<()> {
    let (installed, outcome) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("lore-signals".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the runtime that listens for signals")
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = installed.send(Err(e));
                    return;
                }
            };
            let stop = {
                let _inside = runtime.enter();
                stop_signals()
            };
            match stop {
                Ok(stop) => {
                    let _ = installed.send(Ok(()));
                    then(runtime.block_on(stop));
                }
                Err(e) => {
                    let _ = installed.send(Err(e));
                }
            }
        })
        .context("starting the thread that listens for signals")?;
    outcome
        .recv()
        .map_err(|_| anyhow!("the thread that listens for signals ended"))?
}
