//! The station's ed25519 key: made on first use, kept in the data directory (`station.key`,
//! owner-only permissions), signs every batch manifest. The office trusts a station by its public
//! key, handed over as a trust file (`tucai key show --out FILE`).

use super::{ExportError, Result, from_hex, sha256_hex, to_hex};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// File name of the secret key inside the data directory.
pub const KEY_FILE: &str = "station.key";
const KEY_HEADER: &str = "tucai-station-key-v1";
const TRUST_FORMAT: &str = "tucai-trust-v1";

/// The station's signing key. Debug never prints the secret.
pub struct StationKey {
    signing: SigningKey,
    path: PathBuf,
}

impl std::fmt::Debug for StationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StationKey")
            .field("path", &self.path)
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

impl StationKey {
    /// Loads the key of `data_dir`, making one when there is none yet.
    pub fn load_or_create(data_dir: &Path) -> Result<StationKey> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(data_dir, &path),
            Err(source) => Err(ExportError::Read { path, source }),
        }
    }

    fn parse(text: &str, path: &Path) -> Result<StationKey> {
        let bad = |message: &str| ExportError::Key {
            path: path.to_path_buf(),
            message: format!(
                "{message}; restore it from the backup, or move it away to make a new key (the office must then trust the new one)"
            ),
        };
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some(KEY_HEADER) {
            return Err(bad("not a tucai station key"));
        }
        let seed = lines
            .next()
            .and_then(from_hex)
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad("the key is damaged"))?;
        Ok(StationKey {
            signing: SigningKey::from_bytes(&seed),
            path: path.to_path_buf(),
        })
    }

    /// Writes a new key to a temp file (0600) and links it into place without overwriting, so two
    /// processes starting at once end up with the same key.
    fn create(data_dir: &Path, path: &Path) -> Result<StationKey> {
        let write_err = |source| ExportError::Write {
            path: path.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(write_err)?;
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| ExportError::Key {
            path: path.to_path_buf(),
            message: format!("the system gave no random numbers: {e}"),
        })?;
        let tmp = data_dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp).map_err(write_err)?;
            // Windows: the owner's alone before the seed is in it (0600 does that on Unix).
            #[cfg(windows)]
            if let Err(e) = crate::platform::owner_only(&tmp) {
                log::warn!("{}: cannot limit access to the owner: {e}", tmp.display());
            }
            writeln!(file, "{KEY_HEADER}\n{}", to_hex(&seed)).map_err(write_err)?;
            file.sync_all().map_err(write_err)?;
        }
        let linked = std::fs::hard_link(&tmp, path).or_else(|e| {
            // FAT32 and exFAT (a portable station folder on a stick) have no hard links: the key
            // is renamed into place instead, unless one appeared meanwhile. Only two processes
            // creating the very first key in the same instant could race there.
            if e.kind() != std::io::ErrorKind::AlreadyExists && !path.exists() {
                crate::atomic_file::retry_busy(|| std::fs::rename(&tmp, path))
            } else {
                Err(e)
            }
        });
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(StationKey {
                signing: SigningKey::from_bytes(&seed),
                path: path.to_path_buf(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path).map_err(|source| ExportError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                Self::parse(&text, path)
            }
            Err(e) => Err(write_err(e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn public_hex(&self) -> String {
        to_hex(self.signing.verifying_key().as_bytes())
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(self.signing.verifying_key().as_bytes())
    }

    /// Signature over `message`, as hex.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        to_hex(&self.signing.sign(message).to_bytes())
    }

    /// What the office stores to trust this station.
    pub fn trusted(&self, station_id: &str) -> TrustedKey {
        TrustedKey {
            format: TRUST_FORMAT.into(),
            station_id: station_id.into(),
            public_key: self.public_hex(),
            fingerprint: self.fingerprint(),
        }
    }
}

/// First 16 bytes of SHA-256 of the public key, in groups of 4 hex digits: short enough to read
/// out over the phone when the office checks a trust file.
pub fn fingerprint(public: &[u8]) -> String {
    let digest = sha256_hex(public);
    digest.as_bytes()[..32]
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// A station's public key as the office trusts it (the trust file's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    pub format: String,
    pub station_id: String,
    pub public_key: String,
    pub fingerprint: String,
}

impl TrustedKey {
    pub fn to_json(&self) -> String {
        // Plain strings only: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads and checks a trust file: format, key length, and that the fingerprint matches.
    pub fn load(path: &Path) -> Result<TrustedKey> {
        let bytes = std::fs::read(path).map_err(|source| ExportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&bytes, path)
    }

    /// Parses and checks a trust file's bytes as [`TrustedKey::load`] does; `path` only names
    /// the file in errors (the fuzz target reaches the parser through here, without a file).
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<TrustedKey> {
        let bad = |message: String| ExportError::Trust {
            path: path.to_path_buf(),
            message,
        };
        let key: TrustedKey = serde_json::from_slice(bytes)
            .map_err(|e| bad(format!("not a tucai trust file: {e}")))?;
        if key.format != TRUST_FORMAT {
            return Err(bad(format!("unknown format `{}`", key.format)));
        }
        let raw = key
            .verifying_key()
            .ok_or_else(|| bad("the public key is not 32 bytes of hex".into()))?;
        if fingerprint(raw.as_bytes()) != key.fingerprint {
            return Err(bad(
                "the fingerprint does not match the key; ask the station for a new trust file"
                    .into(),
            ));
        }
        Ok(key)
    }

    pub fn verifying_key(&self) -> Option<VerifyingKey> {
        let bytes = <[u8; 32]>::try_from(from_hex(&self.public_key)?).ok()?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    /// Whether `signature_hex` is this key's signature over `message`.
    pub fn verifies(&self, message: &[u8], signature_hex: &str) -> bool {
        let Some(key) = self.verifying_key() else {
            return false;
        };
        let Some(sig) = from_hex(signature_hex).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        key.verify(message, &Signature::from_bytes(&sig)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_reloaded_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let a = StationKey::load_or_create(dir.path()).unwrap();
        let b = StationKey::load_or_create(dir.path()).unwrap();
        assert_eq!(a.public_hex(), b.public_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[test]
    fn signature_verifies_only_for_the_same_message_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let key = StationKey::load_or_create(dir.path()).unwrap();
        let stranger = StationKey::load_or_create(other.path()).unwrap();
        let sig = key.sign_hex(b"manifest");
        let trusted = key.trusted("station-01");
        assert!(trusted.verifies(b"manifest", &sig));
        assert!(!trusted.verifies(b"manifesT", &sig));
        assert!(!stranger.trusted("station-01").verifies(b"manifest", &sig));
        assert!(!trusted.verifies(b"manifest", "00"));
    }

    #[test]
    fn trust_file_round_trips_and_a_forged_fingerprint_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = StationKey::load_or_create(dir.path()).unwrap();
        let path = dir.path().join("trust.json");
        std::fs::write(&path, key.trusted("station-07").to_json()).unwrap();
        assert_eq!(TrustedKey::load(&path).unwrap(), key.trusted("station-07"));
        let mut forged = key.trusted("station-07");
        forged.fingerprint = "0000".into();
        std::fs::write(&path, forged.to_json()).unwrap();
        let err = TrustedKey::load(&path).unwrap_err();
        assert!(err.to_string().contains("fingerprint"), "{err}");
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KEY_FILE), "tucai-station-key-v1\nxyz\n").unwrap();
        let err = StationKey::load_or_create(dir.path()).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}
