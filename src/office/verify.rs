//! Verifying a batch folder before anything of it is imported: the signature over
//! `manifest.json` with the station's trusted key, then the size and SHA-256 of every listed
//! file, and no file that the manifest does not list. The first fault refuses the whole batch,
//! and the error names the file.

use super::{OfficeError, Result};
use crate::export::destination::PARTIAL_PREFIX;
use crate::export::manifest::{BatchName, MANIFEST_JSON, Manifest, SIGNATURE, is_safe_student_no};
use crate::export::receipt::RECEIPT;
use crate::export::{TrustedKey, sha256_hex};
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// A batch that passed every check, with its photos read (the bytes checked are the bytes kept).
#[derive(Debug)]
pub struct VerifiedBatch {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub manifest_sha256: String,
    /// Photo bytes by path relative to the batch (`photos/<student_no>.jpg`).
    pub files: HashMap<String, Vec<u8>>,
}

/// Verifies the batch in `dir`; `trusted` looks up a station's key by station id.
pub fn verify_batch(
    dir: &Path,
    trusted: &dyn Fn(&str) -> Result<Option<TrustedKey>>,
) -> Result<VerifiedBatch> {
    let refuse = |file: &str, message: String| OfficeError::Refused {
        batch: dir.to_path_buf(),
        file: file.to_string(),
        message,
    };
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if folder
        .as_deref()
        .is_some_and(|n| n.starts_with(PARTIAL_PREFIX))
    {
        return Err(refuse(
            ".",
            "an unfinished export (the station was interrupted); export the session again".into(),
        ));
    }
    // Before any file is read: a symlink would make the office read (and keep) a file from
    // outside the batch, or hang on a device; a station never writes one.
    let present = walk(dir)?;
    let read = |name: &str| -> Result<Option<Vec<u8>>> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(OfficeError::Read { path, source }),
        }
    };
    let manifest_bytes = read(MANIFEST_JSON)?.ok_or_else(|| {
        refuse(
            MANIFEST_JSON,
            "missing: this is not a batch, or it was copied incompletely".into(),
        )
    })?;
    let signature = read(SIGNATURE)?.ok_or_else(|| {
        refuse(
            SIGNATURE,
            "missing: the batch is unsigned and cannot be trusted; export it again".into(),
        )
    })?;
    let manifest = check_manifest(dir, folder.as_deref(), &manifest_bytes, &signature, trusted)?;
    let mut listed = BTreeSet::new();
    let mut files = HashMap::new();
    for entry in &manifest.files {
        let bytes = read(&entry.path)?
            .ok_or_else(|| refuse(&entry.path, "missing: the batch is incomplete".into()))?;
        if bytes.len() as u64 != entry.size {
            return Err(refuse(
                &entry.path,
                format!(
                    "truncated or changed: {} bytes, the manifest says {}",
                    bytes.len(),
                    entry.size
                ),
            ));
        }
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(refuse(
                &entry.path,
                "changed after export: its SHA-256 does not match the manifest".into(),
            ));
        }
        listed.insert(entry.path.clone());
        files.insert(entry.path.clone(), bytes);
    }
    for extra in present {
        let known = extra == MANIFEST_JSON || extra == SIGNATURE || extra == RECEIPT;
        if !known && !listed.contains(&extra) {
            return Err(refuse(
                &extra,
                "not listed in the manifest: something was added to the batch".into(),
            ));
        }
    }
    Ok(VerifiedBatch {
        dir: dir.to_path_buf(),
        manifest,
        manifest_sha256: sha256_hex(&manifest_bytes),
        files,
    })
}

/// The checks of a batch that need no file but the manifest and its signature: the manifest
/// parses, its name matches its station, session and sequence (and the folder's name, when that is
/// a batch name), the station is trusted and signed exactly these bytes, every listed path stays
/// inside the batch, and every student's photo is a plain file name listed among the files.
/// `dir` only names the batch in errors. [`verify_batch`] calls it before reading any photo; it is
/// public so the fuzz target (`fuzz/`) reaches the whole in-memory check without a folder.
pub fn check_manifest(
    dir: &Path,
    folder: Option<&str>,
    manifest_bytes: &[u8],
    signature: &[u8],
    trusted: &dyn Fn(&str) -> Result<Option<TrustedKey>>,
) -> Result<Manifest> {
    let refuse = |file: &str, message: String| OfficeError::Refused {
        batch: dir.to_path_buf(),
        file: file.to_string(),
        message,
    };
    let manifest = Manifest::from_json(manifest_bytes, &dir.display().to_string())
        .map_err(|e| refuse(MANIFEST_JSON, e.to_string()))?;
    // The folder's name is what the station's purge and the clerk go by; a folder renamed to
    // another batch's name (…_b0007 holding b0001) would hide which batch was imported.
    let expected = BatchName {
        station: manifest.station_id.clone(),
        session: manifest.session.id,
        sequence: manifest.sequence,
    }
    .to_string();
    if manifest.batch != expected {
        return Err(refuse(
            MANIFEST_JSON,
            format!(
                "the manifest calls the batch {} but its station, session and sequence make {expected}",
                manifest.batch
            ),
        ));
    }
    if let Some(name) = folder.filter(|n| BatchName::parse(n).is_some())
        && name != manifest.batch
    {
        return Err(refuse(
            ".",
            format!(
                "the folder is named {name} but holds batch {}; rename the folder back to {} \
                 (or copy the batch again from the station)",
                manifest.batch, manifest.batch
            ),
        ));
    }
    let key = trusted(&manifest.station_id)?.ok_or_else(|| {
        refuse(
            SIGNATURE,
            format!(
                "station `{}` is not trusted; get its trust file (`tucai key show --out FILE` on \
                 the station) and pass it with --trust",
                manifest.station_id
            ),
        )
    })?;
    let signature = String::from_utf8_lossy(signature);
    if !key.verifies(manifest_bytes, signature.trim()) {
        return Err(refuse(
            MANIFEST_JSON,
            format!(
                "the signature does not match station `{}`'s trusted key ({}): the manifest was \
                 changed after signing, or signed by another key",
                manifest.station_id, key.fingerprint
            ),
        ));
    }
    // Before any listed file is opened: a path out of the batch is never read.
    if let Some(entry) = manifest.files.iter().find(|f| !is_plain_relative(&f.path)) {
        return Err(refuse(&entry.path, "a path outside the batch".into()));
    }
    for student in &manifest.students {
        // Student numbers become file names in the office and the upload package.
        if !is_safe_student_no(&student.student_no)
            || student.photo != format!("photos/{}.jpg", student.student_no)
        {
            return Err(refuse(
                MANIFEST_JSON,
                "a student number or photo name is not a plain file name".into(),
            ));
        }
        let same = manifest
            .files
            .iter()
            .any(|f| f.path == student.photo && f.sha256 == student.photo_sha256);
        if !same {
            return Err(refuse(
                &student.photo,
                "the manifest lists this photo for a student but not among its files".into(),
            ));
        }
    }
    Ok(manifest)
}

fn is_plain_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Every file under `dir`, as `/`-separated relative paths. Temp files of a receipt being written
/// (hidden names) are skipped.
fn walk(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&path).map_err(|source| OfficeError::Read {
            path: path.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| OfficeError::Read {
                path: path.clone(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                continue;
            }
            let child = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let kind = entry.file_type().map_err(|source| OfficeError::Read {
                path: entry.path(),
                source,
            })?;
            if kind.is_symlink() {
                return Err(OfficeError::Refused {
                    batch: dir.to_path_buf(),
                    file: child,
                    message: "a symbolic link: a batch holds only plain files; copy the batch \
                              again from the station"
                        .into(),
                });
            }
            if kind.is_dir() {
                stack.push((entry.path(), child));
            } else {
                out.push(child);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        assert!(is_plain_relative("photos/1.jpg"));
        assert!(!is_plain_relative("../x"));
        assert!(!is_plain_relative("/etc/passwd"));
        assert!(!is_plain_relative("photos/../../x"));
        assert!(!is_plain_relative(""));
    }

    /// A manifest of batch `station-01_s000003_b0002` with these files and students, as bytes.
    fn manifest(files: serde_json::Value, students: serde_json::Value) -> Vec<u8> {
        let at = "2026-05-06T08:00:00Z";
        serde_json::to_vec(&serde_json::json!({
            "format": crate::export::manifest::FORMAT,
            "batch": "station-01_s000003_b0002",
            "station_id": "station-01",
            "station_key": "",
            "session": {"id": 3, "class_name": "酒店2201", "place": "图书馆", "operator": "董老师",
                        "opened_at": at, "closed_at": null},
            "sequence": 2,
            "exported_at": at,
            "content_digest": "",
            "students": students,
            "missing": [],
            "files": files,
        }))
        .expect("plain JSON")
    }

    fn student(no: &str, photo: &str, sha: &str) -> serde_json::Value {
        let at = "2026-05-06T08:00:00Z";
        serde_json::json!({
            "student_no": no, "name": "张三", "id_number": "", "department": "", "class_name": "",
            "phone": null, "notify_status": null, "notify_fee": null, "fee_state": "paid",
            "confirmation_id": 1, "confirmed_at": at, "draft_saved_at": at, "taken_at": at,
            "photo": photo, "photo_sha256": sha, "checks_passed": true, "checks_failed": [],
            "report": {"checks": []},
        })
    }

    /// Signs `bytes` with a new station key and checks them as the office would.
    fn check(bytes: &[u8], folder: Option<&str>) -> Result<Manifest> {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = crate::export::StationKey::load_or_create(dir.path()).expect("key");
        let trusted = key.trusted("station-01");
        let sig = key.sign_hex(bytes);
        let lookup = |_: &str| Ok(Some(trusted.clone()));
        check_manifest(Path::new("b"), folder, bytes, sig.as_bytes(), &lookup)
    }

    fn refused_file(r: Result<Manifest>) -> String {
        match r {
            Err(OfficeError::Refused { file, .. }) => file,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_signed_manifest_passes_and_one_changed_byte_does_not() {
        let sha = "ab".repeat(32);
        let files = serde_json::json!([{"path": "photos/2022001.jpg", "size": 3, "sha256": sha}]);
        let bytes = manifest(
            files,
            serde_json::json!([student("2022001", "photos/2022001.jpg", &sha)]),
        );
        let m = check(&bytes, Some("station-01_s000003_b0002")).expect("valid");
        assert_eq!(m.students.len(), 1);
        let dir = tempfile::tempdir().expect("temp dir");
        let key = crate::export::StationKey::load_or_create(dir.path()).expect("key");
        let trusted = key.trusted("station-01");
        let sig = key.sign_hex(&bytes);
        // Still valid JSON, so only the signature can refuse it.
        let mut changed = bytes.clone();
        changed.push(b'\n');
        let lookup = |_: &str| Ok(Some(trusted.clone()));
        assert!(check_manifest(Path::new("b"), None, &bytes, sig.as_bytes(), &lookup).is_ok());
        let r = check_manifest(Path::new("b"), None, &changed, sig.as_bytes(), &lookup);
        match r {
            Err(OfficeError::Refused { file, message, .. }) => {
                assert_eq!(file, MANIFEST_JSON);
                assert!(message.contains("signature"), "{message}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_signed_manifest_naming_a_path_outside_the_batch_is_refused_before_any_read() {
        let files = serde_json::json!([{"path": "../../etc/passwd", "size": 1, "sha256": ""}]);
        let r = check(&manifest(files, serde_json::json!([])), None);
        assert_eq!(refused_file(r), "../../etc/passwd");
    }

    #[test]
    fn a_student_whose_photo_is_not_a_listed_plain_file_is_refused() {
        let sha = "cd".repeat(32);
        let files = serde_json::json!([{"path": "photos/A1.jpg", "size": 3, "sha256": sha}]);
        let bad_no = student("../A1", "photos/../A1.jpg", &sha);
        let r = check(&manifest(files.clone(), serde_json::json!([bad_no])), None);
        assert_eq!(refused_file(r), MANIFEST_JSON);
        let unlisted = student("A2", "photos/A2.jpg", &sha);
        let r = check(&manifest(files, serde_json::json!([unlisted])), None);
        assert_eq!(refused_file(r), "photos/A2.jpg");
    }

    #[test]
    fn a_folder_renamed_to_another_batch_is_refused() {
        let bytes = manifest(serde_json::json!([]), serde_json::json!([]));
        let r = check(&bytes, Some("station-01_s000003_b0007"));
        assert_eq!(refused_file(r), ".");
        // A folder whose name is no batch name (a clerk's copy) is not held against it.
        assert!(check(&bytes, Some("copy of batch")).is_ok());
    }
}
