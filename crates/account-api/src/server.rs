//! Accepting connections and serving the router, with fault injection in front of it.
//!
//! The loop is hyper's own rather than `axum::serve` for one reason: a "dropped connection" fault
//! must close the socket without any response, which a service can do only by failing, and axum's
//! server accepts no failing service. It also catches a panicking handler (it answers 500 instead
//! of dropping the connection) and shuts down gracefully.

use crate::clock::Clock;
use crate::config::Config;
use crate::deadline;
use crate::demo;
use crate::faults::{FaultKind, Faults, CAPTIVE_PORTAL_HTML, MALFORMED_JSON};
use crate::hashing::HashGate;
use crate::identity::Served;
use crate::limits::Limiter;
use crate::log_throttle::Throttle;
use crate::notice::Notice;
use crate::problem::Problem;
use crate::routes;
use crate::senders::Senders;
use crate::state::AppState;
use crate::stats::{Stats, StatsSnapshot};
use crate::store::{Store, StoreError};
use crate::verification::Pending;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Semaphore};
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not open the database: {0}")]
    Store(#[from] StoreError),
    #[error("could not listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error("sender: {0}")]
    Sender(#[from] crate::senders::SetupError),
    #[error(
        "fault injection and the unauthenticated /_test/* endpoints are for tests on this machine \
         only: listen on a loopback address (127.0.0.1 or ::1), not {0}, or leave --faults out"
    )]
    FaultsNotOnLoopback(std::net::IpAddr),
}

/// Fault mode mounts `/_test/*` (move the clock, replace faults, read the audit log) without any
/// authentication: that is safe only where no one else can connect.
fn check_exposure(config: &Config) -> Result<(), ServeError> {
    let ip = config.listen.ip();
    if config.faults.is_some() && !ip.is_loopback() {
        return Err(ServeError::FaultsNotOnLoopback(ip));
    }
    Ok(())
}

/// A running server. Dropping it stops the server too (abruptly; prefer [`ServerHandle::shutdown`]).
pub struct ServerHandle {
    addr: SocketAddr,
    state: AppState,
    /// Connections accepted and not yet closed.
    open: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address actually bound (with the real port when the config asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The counters: writes applied, replays, faults injected.
    pub fn stats(&self) -> StatsSnapshot {
        self.state.stats.snapshot()
    }

    /// Replaces the fault spec; false when the server is not in fault mode.
    pub fn set_faults(&self, spec: crate::faults::FaultSpec) -> bool {
        match &self.state.faults {
            Some(faults) => {
                faults.set(spec);
                true
            }
            None => false,
        }
    }

    /// Connections being served now (at most `Config::max_connections`).
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// The most password checks that ever ran at once (bounded by `Config::hash_concurrency`).
    pub fn peak_concurrent_password_checks(&self) -> usize {
        self.state.hashing.peak()
    }

    /// Moves the server's clock forward (tests of expiry, step-up age, caps and re-confirmation).
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// Creates an account (consent pending, no info) for a test of its own; the password is hashed
    /// with argon2 like any other.
    pub async fn create_account(
        &self,
        address: &str,
        display_name: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        let (address, display_name, password) = (
            address.to_string(),
            display_name.to_string(),
            password.to_string(),
        );
        let now = self.state.clock.now_rfc3339();
        self.state
            .store
            .call(move |conn| {
                demo::create_account(conn, &address, &display_name, &password, &now).map(|_| ())
            })
            .await
    }

    /// Creates an admin token with `scopes`, as `account-api admin token create` does, and returns
    /// it (tests of the admin routes and of the app's answer to a deleted account).
    pub async fn create_admin_token(
        &self,
        name: &str,
        scopes: &[crate::admin::tokens::Scope],
    ) -> Result<String, crate::admin::tokens::TokenError> {
        let (name, scopes) = (name.to_string(), scopes.to_vec());
        let now = self.state.clock.now_rfc3339();
        self.state
            .store
            .call(move |conn| {
                crate::admin::tokens::create(conn, &name, &scopes, &now).map(|c| c.token)
            })
            .await
    }

    /// What `GET /v1/identity` would answer for `address` (consent, e-mail, phone, updated_at) as
    /// JSON, read straight from the database: how a test checks what the server holds without
    /// signing in as the user. `None` when there is no such account.
    pub async fn identity_of(
        &self,
        address: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let address = address.to_string();
        let served = self.state.served.clone();
        self.state
            .store
            .call(move |conn| {
                use rusqlite::OptionalExtension;
                let id: Option<i64> = conn
                    .query_row(
                        "SELECT id FROM accounts WHERE address = ?1 COLLATE NOCASE",
                        [&address],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(id) = id else { return Ok(None) };
                let record = crate::identity::load(conn, id, &served)?;
                Ok(serde_json::from_slice(&record.body()).ok())
            })
            .await
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), and returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops by itself (never, unless the listener fails).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Opens the database, seeds it when asked, binds and starts serving in the background.
pub async fn serve(config: Config) -> Result<ServerHandle, ServeError> {
    check_exposure(&config)?;
    let db = config.db.clone();
    let notice = Arc::new(Notice::new(config.notice_version.clone()));
    let seed = config.seed_demo;
    let seed_notice = Arc::clone(&notice);
    let clock = Clock::system();
    let seed_now = clock.now_rfc3339();
    let senders = Arc::new(Senders::new(config.smtp.as_ref(), config.sms.as_ref())?);
    let store = tokio::task::spawn_blocking(move || -> Result<Store, StoreError> {
        let store = Store::open(&db)?;
        // Computed here, once, rather than by the first unknown sign-in on an async worker.
        let _ = crate::auth::dummy_hash();
        if seed {
            store.call_sync(|conn| demo::seed(conn, &seed_notice, &seed_now))?;
        }
        Ok(store)
    })
    .await
    .map_err(|_| StoreError::Task)??;
    let served = Arc::new(Served {
        notice_version: notice.version.clone(),
        reconfirm_days: config.reconfirm_days,
    });
    let state = AppState {
        store,
        clock,
        served,
        notice,
        limiter: Arc::new(Limiter::new(config.sign_in_limits)),
        hashing: Arc::new(HashGate::new(
            config.hash_concurrency,
            config.hash_queue_wait,
        )),
        stats: Arc::new(Stats::default()),
        faults: config
            .faults
            .clone()
            .map(|spec| Arc::new(Faults::new(spec))),
        access_token_ttl: config.access_token_ttl,
        refresh_token_ttl: config.refresh_token_ttl,
        step_up_max_age: config.step_up_max_age,
        send_caps: config.send_caps,
        senders,
        pending: Arc::new(Pending::default()),
    };
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel();
    let router = routes::router(state.clone());
    let open = Arc::new(AtomicUsize::new(0));
    let limits = ConnectionLimits {
        slots: Arc::new(Semaphore::new(config.max_connections.max(1))),
        open: Arc::clone(&open),
        header_timeout: config.header_timeout,
        body_timeout: config.body_timeout,
    };
    let task = tokio::spawn(accept_loop(
        listener,
        router,
        state.clone(),
        limits,
        stopped,
    ));
    Ok(ServerHandle {
        addr,
        state,
        open,
        stop: Some(stop),
        task: Some(task),
    })
}

/// What bounds the connections: how many at once, and how long a request may take to arrive.
struct ConnectionLimits {
    /// One permit per connection served; none free and the loop stops accepting (further clients
    /// wait in the kernel's backlog) until one ends.
    slots: Arc<Semaphore>,
    /// How many are open (a slot is taken just before `accept`, so the permits alone overcount).
    open: Arc<AtomicUsize>,
    header_timeout: Duration,
    body_timeout: Duration,
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    state: AppState,
    limits: ConnectionLimits,
    mut stopped: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let mut accept_errors = Throttle::new(Duration::from_secs(5));
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&limits.slots).acquire_owned() => slot,
            _ = &mut stopped => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stopped => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                // Out of file descriptors and the like: wait a moment instead of spinning, and
                // say so once in a while rather than a thousand times a second.
                if let Some(suppressed) = accept_errors.admit(std::time::Instant::now()) {
                    tracing::warn!(%error, suppressed, "accept failed");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let state = state.clone();
        let body_timeout = limits.body_timeout;
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            handle(router.clone(), state.clone(), peer, body_timeout, request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        let open = Arc::clone(&limits.open);
        open.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(async move {
            let _ = connection.await;
            open.fetch_sub(1, Ordering::SeqCst);
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// The failure that makes hyper close a connection without answering (the `drop` faults).
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    router: Router,
    state: AppState,
    peer: SocketAddr,
    body_timeout: Duration,
    request: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    state.stats.request();
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let decision = state
        .faults
        .as_ref()
        .map(|f| f.decide(&method, &path))
        .unwrap_or_default();
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    if decision.fault.is_some() {
        state.stats.fault();
    }
    match decision.fault {
        Some(FaultKind::Unavailable) => {
            return Ok(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "The service is temporarily unavailable",
            )
            .retry_after(decision.retry_after)
            .into_response())
        }
        Some(FaultKind::TooManyRequests) => {
            return Ok(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
            )
            .retry_after(decision.retry_after)
            .into_response())
        }
        Some(FaultKind::Html) => {
            let mut response = (StatusCode::OK, CAPTIVE_PORTAL_HTML).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return Ok(response);
        }
        Some(FaultKind::Drop) => return Err(DropConnection),
        _ => {}
    }
    let mut request = request.map(|body| deadline::with_deadline(Body::new(body), body_timeout));
    request.extensions_mut().insert(ConnectInfo(peer));
    let started = std::time::Instant::now();
    // Spawned so that a panicking handler becomes a 500 instead of a dropped connection.
    let response = match tokio::spawn(router.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(infallible)) => match infallible {},
        Err(_) => {
            tracing::error!(%method, %path, "a handler panicked");
            Problem::internal().into_response()
        }
    };
    // Method, path and status only: bodies and headers can hold personal data and tokens.
    tracing::debug!(%method, %path, status = response.status().as_u16(), elapsed_us = started.elapsed().as_micros() as u64, "request");
    match decision.fault {
        Some(FaultKind::DropAfter) => Err(DropConnection),
        Some(FaultKind::Malformed) => {
            let mut garbled = (StatusCode::OK, MALFORMED_JSON).into_response();
            garbled.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(garbled)
        }
        _ => Ok(close_after_timeout(response)),
    }
}

/// A body that did not arrive in time leaves the connection in an unknown state (part of it may
/// still come): the answer closes it.
fn close_after_timeout(mut response: Response<Body>) -> Response<Body> {
    if response.status() == StatusCode::REQUEST_TIMEOUT {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
