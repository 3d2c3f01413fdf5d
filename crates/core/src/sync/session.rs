//! The sign-in: who is signed in, the access token every request carries, and the tokens kept in
//! the credential store between runs.
//!
//! The access token lives in memory here, and in the credential store with its expiry (see
//! [`super::kept_access`]) so that a restart within its lifetime costs no refresh. The refresh
//! token lives only in the credential store, one entry per server. A request the server answers
//! 401 is retried once with a renewed token ([`Session::authed`]); renewals are serialized, so
//! that two requests refused at once rotate the refresh token once.

use super::api_client::{ApiClient, ApiError, Tokens};
use super::blocking::blocking;
use super::credentials::{access_token_entry, refresh_token_entry, CredentialStore};
use super::error::ServiceError;
use super::kept_access::{now_unix, KeptAccess};
use super::types::Account;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Why a request could not be authenticated.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    Api(ApiError),
    SignInRequired,
    Local(ServiceError),
}

impl From<ApiError> for AuthFailure {
    fn from(e: ApiError) -> Self {
        AuthFailure::Api(e)
    }
}

impl From<AuthFailure> for ServiceError {
    fn from(f: AuthFailure) -> Self {
        match f {
            AuthFailure::Api(e) => e.into(),
            AuthFailure::SignInRequired => ServiceError::SessionExpired,
            AuthFailure::Local(e) => e,
        }
    }
}

/// Who is signed in, in memory: the access token lives only here (and, kept, in the credential
/// store).
#[derive(Default)]
struct SignedIn {
    access: Option<Zeroizing<String>>,
    account: Option<Account>,
}

/// The sign-in of one server's account.
pub(crate) struct Session {
    api: ApiClient,
    creds: Arc<dyn CredentialStore>,
    /// The credential-store entries of this server's refresh token and kept access token.
    refresh_entry: String,
    access_entry: String,
    signed_in: tokio::sync::Mutex<SignedIn>,
}

impl Session {
    /// A session with nobody signed in, its tokens kept in `creds` under `api_base_url`'s entries.
    pub fn new(api: ApiClient, creds: Arc<dyn CredentialStore>, api_base_url: &str) -> Session {
        Session {
            api,
            creds,
            refresh_entry: refresh_token_entry(api_base_url),
            access_entry: access_token_entry(api_base_url),
            signed_in: tokio::sync::Mutex::new(SignedIn::default()),
        }
    }

    /// The signed-in account, if any.
    pub async fn account(&self) -> Option<Account> {
        self.signed_in.lock().await.account.clone()
    }

    /// The signed-in account, or [`ServiceError::NotSignedIn`].
    pub async fn require_account(&self) -> Result<Account, ServiceError> {
        self.account().await.ok_or(ServiceError::NotSignedIn)
    }

    /// Signs `account` in with `access`.
    pub async fn begin(&self, access: Zeroizing<String>, account: Account) {
        let mut signed_in = self.signed_in.lock().await;
        signed_in.access = Some(access);
        signed_in.account = Some(account);
    }

    /// Signs `account` in without a token (offline start-up: a token is renewed when the server is
    /// back).
    pub async fn begin_offline(&self, account: Account) {
        self.signed_in.lock().await.account = Some(account);
    }

    /// Nobody is signed in any more (the tokens in the credential store are not touched).
    pub async fn end(&self) {
        *self.signed_in.lock().await = SignedIn::default();
    }

    /// Keeps a fresh token pair: the refresh token, and the access token with its expiry so that
    /// the next start-up within its lifetime needs no refresh (see [`super::kept_access`]).
    pub async fn keep_tokens(&self, tokens: &Tokens) -> Result<(), ServiceError> {
        let creds = Arc::clone(&self.creds);
        let refresh = Zeroizing::new(tokens.refresh_token.as_bytes().to_vec());
        let access = tokens.expires_in.map(|lifetime| {
            KeptAccess::issued(&tokens.access_token, lifetime, now_unix()).encode()
        });
        let (refresh_entry, access_entry) = (self.refresh_entry.clone(), self.access_entry.clone());
        blocking(move || -> Result<(), ServiceError> {
            creds.set(&refresh_entry, &refresh)?;
            match access {
                Some(access) => creds.set(&access_entry, &access)?,
                None => creds.delete(&access_entry)?,
            }
            Ok(())
        })
        .await??;
        Ok(())
    }

    /// The stored refresh token and the kept access token (one trip to the credential store).
    pub async fn stored_tokens(
        &self,
    ) -> Result<(Option<Zeroizing<String>>, Option<KeptAccess>), ServiceError> {
        let creds = Arc::clone(&self.creds);
        let (refresh_entry, access_entry) = (self.refresh_entry.clone(), self.access_entry.clone());
        let (refresh, access) = blocking(move || -> Result<_, ServiceError> {
            Ok((creds.get(&refresh_entry)?, creds.get(&access_entry)?))
        })
        .await??;
        let refresh =
            refresh.map(|bytes| Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()));
        let access = access.and_then(|bytes| KeptAccess::decode(&bytes));
        Ok((refresh, access))
    }

    /// Deletes this server's tokens from the credential store (sign-out, a sign-in that ended).
    pub async fn forget_tokens(&self) -> Result<(), ServiceError> {
        let creds = Arc::clone(&self.creds);
        let (refresh_entry, access_entry) = (self.refresh_entry.clone(), self.access_entry.clone());
        blocking(move || -> Result<(), ServiceError> {
            creds.delete(&refresh_entry)?;
            creds.delete(&access_entry)?;
            Ok(())
        })
        .await??;
        Ok(())
    }

    /// A valid access token: the one in memory, else a renewed one.
    pub async fn access_token(&self) -> Result<Zeroizing<String>, AuthFailure> {
        if let Some(token) = self.signed_in.lock().await.access.clone() {
            return Ok(token);
        }
        self.renew(None).await
    }

    /// Renews the access token with the stored refresh token (rotating it), unless another task
    /// already replaced `failed`.
    pub async fn renew(&self, failed: Option<&str>) -> Result<Zeroizing<String>, AuthFailure> {
        let mut signed_in = self.signed_in.lock().await;
        if let Some(current) = &signed_in.access {
            if failed.is_none_or(|f| f != current.as_str()) {
                return Ok(current.clone());
            }
        }
        signed_in.access = None;
        // The one reader of the stored tokens; the kept access token it also returns is the one
        // just refused.
        let (stored, _) = self.stored_tokens().await.map_err(AuthFailure::Local)?;
        let Some(refresh) = stored else {
            return Err(AuthFailure::SignInRequired);
        };
        match self.api.refresh(&refresh).await {
            Ok(tokens) => {
                self.keep_tokens(&tokens)
                    .await
                    .map_err(AuthFailure::Local)?;
                signed_in.access = Some(tokens.access_token.clone());
                Ok(tokens.access_token)
            }
            Err(ApiError::InvalidGrant | ApiError::Unauthorized) => {
                Err(AuthFailure::SignInRequired)
            }
            Err(e) => Err(AuthFailure::Api(e)),
        }
    }

    /// Runs an authenticated request: on 401 the token is renewed once and the request repeated;
    /// a second 401 means the user must sign in again.
    pub async fn authed<T, F, Fut>(&self, f: F) -> Result<T, AuthFailure>
    where
        F: Fn(Zeroizing<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let token = self.access_token().await?;
        match f(token.clone()).await {
            Err(ApiError::Unauthorized) => {
                let renewed = self.renew(Some(&token)).await?;
                match f(renewed).await {
                    Err(ApiError::Unauthorized) => Err(AuthFailure::SignInRequired),
                    other => other.map_err(AuthFailure::Api),
                }
            }
            other => other.map_err(AuthFailure::Api),
        }
    }
}
