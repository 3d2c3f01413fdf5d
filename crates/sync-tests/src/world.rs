//! One employee's world for the ownership-code tests: a reference server with its dev inbox, a
//! data directory, and a credential store that outlives a closed app (so a restart finds the
//! session), with the helpers those tests read the code screen with.

use crate::{config, start_server, TestServer, PASSWORD};
use mail_identity_core::identity::IdentityInput;
use mail_identity_core::sync::{
    Channel, CodeState, CredentialChoice, CredentialStore, Draft, MemoryCredentialStore, Overview,
    Service,
};
use std::sync::Arc;

/// A server with one account, and what the app keeps on the employee's PC.
pub struct World {
    pub dir: tempfile::TempDir,
    /// The server, and the dev inbox its codes go to (`w.server.inbox`).
    pub server: TestServer,
    pub creds: Arc<MemoryCredentialStore>,
}

/// A fresh world with the account `address` (password [`PASSWORD`]).
pub async fn world(address: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(dir.path()).await;
    server
        .create_account(address, "테스트", PASSWORD)
        .await
        .unwrap();
    World {
        dir,
        server,
        creds: Arc::new(MemoryCredentialStore::default()),
    }
}

/// The app started (again) on this world's data directory and credential store.
pub async fn open(w: &World) -> Service {
    let store: Arc<dyn CredentialStore> = w.creds.clone();
    Service::open(config(
        &w.server.base_url(),
        &w.dir.path().join("client"),
        CredentialChoice::Given(store),
    ))
    .await
    .unwrap()
}

/// A form with these values, as the employee typed them.
pub fn draft(email: &str, phone: &str) -> Draft {
    Draft {
        input: IdentityInput {
            email: email.into(),
            phone: phone.into(),
            ..IdentityInput::default()
        },
        ..Draft::default()
    }
}

/// The code screen's state for `channel`, `None` when no code is asked for it.
pub fn code_state(o: &Overview, channel: Channel) -> Option<CodeState> {
    o.verification
        .as_ref()?
        .codes
        .iter()
        .find(|c| c.channel == channel)
        .map(|c| c.state)
}

/// True when a code for `channel` was sent and waits to be typed.
pub fn sent(o: &Overview, channel: Channel) -> bool {
    code_state(o, channel) == Some(CodeState::Sent)
}

/// Signs `service` in as `address`, agrees, saves `email` and `phone` (`phone_e164` is where its
/// code is texted), types both codes from the dev inbox, and waits until the server has both.
pub async fn register_both(
    w: &World,
    service: &Service,
    address: &str,
    (email, phone, phone_e164): (&str, &str, &str),
) {
    const MINUTE: std::time::Duration = std::time::Duration::from_secs(60);
    service.sign_in(address, PASSWORD).await.unwrap();
    crate::agree(service).await;
    service.submit_identity(&draft(email, phone)).await.unwrap();
    crate::wait_for(service, "both codes sent", MINUTE, |o| {
        sent(o, Channel::Email) && sent(o, Channel::Phone)
    })
    .await;
    let code = crate::inbox::mail_code(&w.server.inbox, email).await;
    service.confirm_code(Channel::Email, &code).await.unwrap();
    let code = crate::inbox::sms_code(&w.server.inbox, phone_e164).await;
    service.confirm_code(Channel::Phone, &code).await.unwrap();
    crate::wait_for(service, "registered", MINUTE, |o| {
        crate::synced(o) && o.verification.is_none() && o.info.is_some()
    })
    .await;
}
