//! Policy `extra_root_ca` against a real TLS connection: the reference server behind a TLS
//! terminator whose certificate comes from a company CA made for this run. Without the CA the
//! client refuses the server; with the CA's PEM file (as IT deploys it) it talks to it.

use mail_identity_core::locale::Locale;
use mail_identity_core::sync::api_client::{ApiClient, ApiConfig, ApiError, SetupPart};
use mail_identity_core::sync::trust::read_extra_roots;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, SanType};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::PrivateKeyDer;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The company CA (PEM) and a TLS server config for 127.0.0.1 issued by it.
fn company_ca_and_server() -> (String, ServerConfig) {
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Example Corp Internal Root");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("the CA certificate");

    let server_key = KeyPair::generate().expect("a server key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    let server_cert = params
        .signed_by(&server_key, &ca)
        .expect("the server certificate");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone()],
            PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
        )
        .expect("a server config");
    (ca.pem(), config)
}

/// Terminates TLS on a free port and forwards each connection to the plain server at `backend`.
async fn tls_front(config: ServerConfig, backend: std::net::SocketAddr) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("its address").port();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake (the test's first client) simply ends this connection.
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                if let Ok(mut plain) = TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn the_company_root_from_policy_lets_the_client_trust_the_server() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = sync_tests::start_server(dir.path()).await;
    let backend: std::net::SocketAddr = server
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .split('/')
        .next()
        .expect("host:port")
        .parse()
        .expect("a socket address");
    let (ca_pem, server_config) = company_ca_and_server();
    let port = tls_front(server_config, backend).await;
    let base_url = format!("https://127.0.0.1:{port}/");

    let without =
        ApiClient::new(&ApiConfig::new(&base_url, "0.0.0-test", "test")).expect("a client");
    assert!(
        without.notice(Locale::Ko).await.is_err(),
        "a certificate from an unknown CA must be refused"
    );

    let pem_file = dir.path().join("company-root.pem");
    std::fs::write(&pem_file, ca_pem).expect("the PEM file IT deploys");
    let mut config = ApiConfig::new(&base_url, "0.0.0-test", "test");
    config.extra_roots = read_extra_roots(&pem_file).expect("the company root");
    let with = match ApiClient::new(&config) {
        Ok(client) => client,
        // Wine only, not Windows: the verifier keeps the extra roots in a certificate chain
        // engine of their own (`CertCreateCertificateChainEngine` with `hExclusiveRoot`), passing
        // the Windows 8+ `CERT_CHAIN_ENGINE_CONFIG` (88 bytes on x64, with `dwExclusiveFlags`).
        // Wine 8.0's crypt32 accepts only the two older sizes (64 and 80 bytes) and fails any
        // other with E_INVALIDARG, "Invalid parameter"; a MinGW program calling it under Wine 8.0
        // gets FALSE/0x80070057 for 88 bytes and TRUE for 80 and 64. Windows 10 and 11, the
        // Windows the app supports, take the 88-byte structure. So under Wine this one case is
        // skipped, narrowly: a client with extra roots that Wine can build is tested in full.
        Err(ApiError::ClientSetup {
            part: SetupPart::Tls,
            cause,
        }) if sync_tests::under_wine() => {
            eprintln!(
                "SKIPPED the trusted half under Wine: its crypt32 refuses the Windows 8+ chain \
                 engine configuration that holds the extra roots ({cause})"
            );
            return;
        }
        Err(error) => panic!("a client with the company root: {error}"),
    };
    let notice = with
        .notice(Locale::Ko)
        .await
        .expect("the server is trusted through the company root");
    assert!(!notice.version.is_empty());
}
