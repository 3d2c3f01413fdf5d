//! A deadline on a whole request body.
//!
//! hyper's `header_read_timeout` covers only the head: a client that sends its headers and then
//! one byte of body a minute holds a connection, a task and a file descriptor for as long as it
//! likes, and a thousand such clients exhaust the server's descriptors. Every body is wrapped so
//! that it ends in an error once its deadline passes; the reader answers `408 request_timeout`
//! and the connection is closed.

use axum::body::{Body, Bytes};
use hyper::body::{Frame, SizeHint};
use std::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// The error a body ends with when its deadline passed.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// True when `error` (or any error under it) is a [`BodyTimedOut`].
pub fn is_timeout(error: &(dyn Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<BodyTimedOut>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// `body`, ending in [`BodyTimedOut`] when it is not complete within `limit` from now.
pub fn with_deadline(body: Body, limit: Duration) -> Body {
    Body::new(Deadline {
        inner: body,
        deadline: Box::pin(tokio::time::sleep(limit)),
    })
}

struct Deadline {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
}

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match this.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    /// A client that sent its headers and nothing more.
    struct Silent;

    impl hyper::body::Body for Silent {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_body_that_never_ends_times_out() {
        let body = with_deadline(Body::new(Silent), Duration::from_millis(50));
        let Err(error) = body.collect().await else {
            panic!("the body should have timed out")
        };
        assert!(is_timeout(&error));
    }

    #[tokio::test]
    async fn a_complete_body_is_untouched() {
        let body = with_deadline(Body::from("{}"), Duration::from_millis(50));
        assert_eq!(body.collect().await.unwrap().to_bytes(), Bytes::from("{}"));
    }
}
