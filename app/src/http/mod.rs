//! The node's HTTP API (`lore serve --http ADDR`): a versioned JSON API under `/v1/` for
//! the programs that answer customers — a WeChat or 公众号 bot, a web chat widget, a help
//! desk — reading the same library the agents use, kept current by sync.
//!
//! Every path but `/v1/openapi.json` needs a bearer token an admin created (`lore token
//! create`); a token sees only its scope. The router is built from [`ROUTES`], which
//! `docs/openapi.json` documents one for one (a test checks both ways). Library work runs
//! on blocking threads, holding the library's lock only to look things up; searches run
//! outside it.

mod auth;
mod bot;
mod cache;
mod error;
mod limits;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};
use clap::Args;
use lore_core::Library;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;

pub use error::ApiError;
pub use limits::BODY_LIMIT;

/// The OpenAPI 3.1 document of the API, as kept in the repository.
pub const OPENAPI: &str = include_str!("../../../docs/openapi.json");

/// Where the OpenAPI document is served (no token needed).
pub const OPENAPI_PATH: &str = "/v1/openapi.json";

/// Every path the API serves with a token: (method, path as OpenAPI writes it).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/search"),
    ("POST", "/v1/suggest"),
    ("GET", "/v1/entries/{id}"),
    ("POST", "/v1/entries/{id}/reply"),
    ("POST", "/v1/uses"),
    ("POST", "/v1/bot"),
];

/// The flags of `lore serve` that start the HTTP API.
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Serve the HTTP API (JSON under /v1/, bearer tokens from `lore token create`) at
    /// ADDR, e.g. 127.0.0.1:8080; port 0 picks a free one
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Allow --http on an address other than loopback: the API is then reachable from
    /// the network (put TLS in front of it)
    #[arg(long, requires = "http")]
    pub http_public: bool,
    /// Let web pages from ORIGIN call the API (CORS), e.g. https://shop.example.com;
    /// repeatable. Off unless given
    #[arg(long, value_name = "ORIGIN", requires = "http")]
    pub http_cors: Vec<String>,
    /// Requests a second each token may make; 0: unlimited
    #[arg(long, value_name = "N", default_value_t = 20.0)]
    pub http_rate: f64,
    /// Requests a token may make at once above its rate
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub http_burst: u32,
    /// The bot hands over to a person below this confidence (0 to 1)
    #[arg(long, value_name = "CONFIDENCE", default_value_t = lore_core::bot::DEFAULT_THRESHOLD)]
    pub http_threshold: f32,
}

impl HttpArgs {
    /// The API at `addr` with every other setting at its default (the app's setting).
    pub fn at(addr: SocketAddr) -> HttpArgs {
        HttpArgs {
            http: Some(addr),
            http_public: false,
            http_cors: Vec::new(),
            http_rate: 20.0,
            http_burst: 100,
            http_threshold: lore_core::bot::DEFAULT_THRESHOLD,
        }
    }

    /// Checks the flags before anything starts: an address other than loopback needs
    /// `--http-public` (and gets a warning to print), the threshold is a confidence, the
    /// CORS origins are origins.
    pub fn check(&self) -> Result<Option<String>> {
        let Some(addr) = self.http else {
            return Ok(None);
        };
        if !lore_core::bot::valid_threshold(self.http_threshold) {
            bail!(
                "--http-threshold takes a confidence from 0 to 1, not {}",
                self.http_threshold
            );
        }
        cors(&self.http_cors)?;
        if addr.ip().is_loopback() {
            return Ok(None);
        }
        if !self.http_public {
            bail!(
                "--http {addr} is not a loopback address: the API would be reachable from the network. Pass --http-public to allow it, or use 127.0.0.1"
            );
        }
        Ok(Some(format!(
            "the HTTP API listens on {addr}, reachable from the network: anyone holding a token can read the library; put TLS in front of it"
        )))
    }
}

/// How many requests work on the library at once; the rest wait their turn in order.
const TURNS: usize = 2;

/// How many requests are answered at once; the rest wait in the order they came, so
/// under load no request waits much longer than the others (hundreds of connections
/// polled at will let some starve).
const ANSWERING: usize = 16;

/// What the handlers share.
#[derive(Clone)]
pub struct Api {
    library: Arc<Mutex<Library>>,
    /// Tells the node serving the library of each use recorded, so the team hears of it
    /// at once like any change made here, not at the next sync round.
    on_change: lore_sync::OnChange,
    limits: Arc<limits::RateLimits>,
    answers: Arc<cache::Answers>,
    /// Requests take turns at the library in the order they came (its lock is not fair:
    /// under load, hundreds of blocking threads would scramble for it).
    turns: Arc<tokio::sync::Semaphore>,
    /// Requests answered at once; the rest wait in the order they came.
    answering: Arc<tokio::sync::Semaphore>,
    threshold: f32,
}

impl Api {
    /// Runs `work` on the library on a blocking thread.
    async fn with_library<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Library) -> lore_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let library = self.library.clone();
        let turn = self
            .turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::stopping())?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut library = library.lock().map_err(|_| {
                ApiError::internal("the library lock was poisoned; restart the node")
            })?;
            work(&mut library).map_err(ApiError::from)
        })
        .await
        .map_err(|_| ApiError::internal("the request could not be answered (an internal error)"))?
    }

    /// Runs `work` — a lookup of microseconds — on the library right here when its lock
    /// is free, saving the hand-over to a blocking thread that every request would
    /// otherwise pay; when the lock is busy, waits its turn like [`Api::with_library`].
    async fn look_up<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Library) -> lore_core::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        if let Ok(mut library) = self.library.try_lock() {
            return work(&mut library).map_err(ApiError::from);
        }
        self.with_library(work).await
    }
}

/// The API running: where it listens, and a warning to print when that is not loopback.
/// Dropping it stops the API (the node goes on).
#[derive(Debug)]
pub struct Started {
    pub addr: SocketAddr,
    pub warning: Option<String>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Checks the flags, binds and serves the API for `node`'s library on the current tokio
/// runtime until the runtime stops. None when `--http` was not given.
pub async fn start(node: &lore_sync::Node, args: &HttpArgs) -> Result<Option<Started>> {
    let library = node.library();
    let Some(addr) = args.http else {
        return Ok(None);
    };
    let warning = args.check()?;
    let cors = cors(&args.http_cors)?;
    // The index opened and caught up now, on a blocking thread: every request then reads
    // its generation on the request's own thread, which must stay a lookup.
    let opening = library.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut library = opening
            .lock()
            .map_err(|_| anyhow::anyhow!("the library lock was poisoned"))?;
        library.search_index()?;
        Ok(())
    })
    .await
    .context("opening the search index for the HTTP API")??;
    let api = Api {
        library,
        on_change: node.on_change(),
        limits: Arc::new(limits::RateLimits::new(args.http_rate, args.http_burst)),
        answers: Arc::default(),
        turns: Arc::new(tokio::sync::Semaphore::new(TURNS)),
        answering: Arc::new(tokio::sync::Semaphore::new(ANSWERING)),
        threshold: args.http_threshold,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening for the HTTP API on {addr}"))?;
    let bound = listener.local_addr()?;
    let mut app = router(api);
    if let Some(cors) = cors {
        app = app.layer(cors);
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(async {
            // The sender dropped: the API's owner stopped it.
            let _ = stopped.await;
        });
        if let Err(e) = served.await {
            tracing::error!(error = %e, "the HTTP API stopped");
        }
    });
    Ok(Some(Started {
        addr: bound,
        warning,
        _stop: stop,
    }))
}

/// The router: [`ROUTES`] behind a token, the OpenAPI document, JSON errors for
/// everything else, the body limit, and panics caught.
pub fn router(api: Api) -> Router {
    let mut routes = Router::new();
    for (method, path) in ROUTES {
        routes = routes.route(path, handler(method, path));
    }
    routes
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            auth::require_token,
        ))
        .route(OPENAPI_PATH, get(openapi))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            api.clone(),
            limits::in_order,
        ))
        .layer(axum::middleware::from_fn(limits::limit_body))
        .layer(CatchPanicLayer::custom(limits::panicked))
        .with_state(api)
}

fn handler(method: &str, path: &str) -> MethodRouter<Api> {
    let route = match (method, path) {
        ("GET", "/v1/search") => get(routes::search),
        ("POST", "/v1/suggest") => post(routes::suggest),
        ("GET", "/v1/entries/{id}") => get(routes::entry),
        ("POST", "/v1/entries/{id}/reply") => post(routes::reply),
        ("POST", "/v1/uses") => post(routes::record_use),
        ("POST", "/v1/bot") => post(bot::bot),
        _ => get(no_route),
    };
    route.fallback(wrong_method)
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

async fn no_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_route",
        format!("no such path; the API's paths are listed at {OPENAPI_PATH}"),
    )
}

async fn wrong_method() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this path does not take that method; see {OPENAPI_PATH}"),
    )
}

fn cors(origins: &[String]) -> Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let mut allowed = Vec::new();
    for origin in origins {
        allowed.push(
            HeaderValue::from_str(origin.trim_end_matches('/')).with_context(|| {
                format!("--http-cors `{origin}` is not an origin like https://shop.example.com")
            })?,
        );
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allowed)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
    ))
}
