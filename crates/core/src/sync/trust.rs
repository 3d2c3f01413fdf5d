//! The company's extra root certificates (policy `extra_root_ca`): the PEM file IT points to when
//! the account server's certificate is issued by an internal CA or re-signed by a TLS-inspecting
//! proxy. They are trusted in addition to the OS trust store, never instead of it.

use rustls::pki_types::pem::PemObject;
/// The DER certificate type the API client takes (re-exported so callers need no TLS crate).
pub use rustls::pki_types::CertificateDer;
use std::io::Read;
use std::path::Path;

/// A PEM bundle of root certificates is a few kilobytes; a policy that points at anything bigger
/// points at the wrong file, and reading it whole would only cost memory.
pub const MAX_BUNDLE_BYTES: u64 = 1024 * 1024;

/// Why the file named by `extra_root_ca` adds no certificate. The app then trusts the OS store
/// only, reports the reason in its log and in diagnostics, and keeps working.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("the certificate file cannot be read")]
    Unreadable,
    #[error("the certificate file is larger than {MAX_BUNDLE_BYTES} bytes")]
    TooLarge,
    #[error("the certificate file holds no PEM certificate")]
    NoCertificate,
    #[error("a certificate in the file is not valid PEM")]
    Malformed,
}

impl TrustError {
    /// A stable code for diagnostics.
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Unreadable => "unreadable",
            TrustError::TooLarge => "too_large",
            TrustError::NoCertificate => "no_certificate",
            TrustError::Malformed => "malformed",
        }
    }
}

/// Reads every `CERTIFICATE` block of the PEM file at `path` (other blocks, such as a key pasted
/// by mistake, are skipped and never kept).
pub fn read_extra_roots(path: &Path) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let file = std::fs::File::open(path).map_err(|_| TrustError::Unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| TrustError::Unreadable)?;
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(TrustError::TooLarge);
    }
    parse_pem_roots(&bytes)
}

/// The certificates of a PEM bundle held in memory.
pub fn parse_pem_roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| TrustError::Malformed)?;
    if certificates.is_empty() {
        return Err(TrustError::NoCertificate);
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real self-signed certificate (a throwaway test root whose key was never kept).
    const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBmjCCAT+gAwIBAgIUFW9vxHRzys6cJWChDi08H1VPeiQwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXbWFpbC1pZGVudGl0eSB0ZXN0IHJvb3QwHhcNMjYxMTI5MDEy
MzM5WhcNMzYxMTI2MDEyMzM5WjAiMSAwHgYDVQQDDBdtYWlsLWlkZW50aXR5IHRl
c3Qgcm9vdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABM25bprA8aU7tjrFp9KE
+8jrtPOwjg84RKeByaO8MSMWB99lywnEm10K+/E3utI4WCPj8k5vjOVjQpjShQAa
LzejUzBRMB0GA1UdDgQWBBQB9U28QNDxTtzHBxwgQxfAjyWDpjAfBgNVHSMEGDAW
gBQB9U28QNDxTtzHBxwgQxfAjyWDpjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0kAMEYCIQDAlaCIf4eAYZDKQuYZyhjv4XwLamUm/K+6H+0iaIktMAIhAJfn
bSekL9H4lSb848WgnwW8cEdncmmko5HmOQ13Fi/c
-----END CERTIFICATE-----
";

    #[test]
    fn every_certificate_of_a_bundle_is_read_and_other_blocks_are_skipped() {
        let bundle =
            format!("{CERT}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{CERT}");
        assert_eq!(parse_pem_roots(bundle.as_bytes()).map(|c| c.len()), Ok(2));
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        assert_eq!(
            parse_pem_roots(b"not a certificate"),
            Err(TrustError::NoCertificate)
        );
        assert_eq!(parse_pem_roots(b""), Err(TrustError::NoCertificate));
    }

    #[test]
    fn broken_base64_is_malformed() {
        let broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert_eq!(
            parse_pem_roots(broken.as_bytes()),
            Err(TrustError::Malformed)
        );
    }

    #[test]
    fn missing_and_oversized_files_are_refused_without_reading_them_whole() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        assert_eq!(
            read_extra_roots(&dir.path().join("absent.pem")),
            Err(TrustError::Unreadable)
        );
        let huge = dir.path().join("huge.pem");
        let file = std::fs::File::create(&huge).expect("a file");
        file.set_len(MAX_BUNDLE_BYTES + 10).expect("a sparse file");
        assert_eq!(read_extra_roots(&huge), Err(TrustError::TooLarge));
        assert_eq!(read_extra_roots(dir.path()), Err(TrustError::Unreadable));
    }
}
