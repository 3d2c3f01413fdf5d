//! The credential store and the database file block (a D-Bus round trip to the Secret Service, an
//! fsync): their calls run on tokio's blocking pool so that the app's async workers never wait on
//! them.

use super::error::ServiceError;

/// Runs `f` on the blocking pool; a task that panicked or was cancelled is a local failure.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ServiceError::LocalStore)
}
