//! Face detection and the face mesh on the real photos of `tests/fixtures/faces/`.

use std::sync::OnceLock;
use tucai::face::{Face, FaceDetector, FaceMesh, mesh_index as mi};

pub fn fixture(name: &str) -> image::RgbImage {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/faces")
        .join(name);
    image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8()
}

pub fn detector() -> &'static FaceDetector {
    static D: OnceLock<FaceDetector> = OnceLock::new();
    D.get_or_init(|| FaceDetector::new().unwrap())
}

pub fn mesh_model() -> &'static FaceMesh {
    static M: OnceLock<FaceMesh> = OnceLock::new();
    M.get_or_init(|| FaceMesh::new().unwrap())
}

fn confident(faces: &[Face]) -> usize {
    faces.iter().filter(|f| f.score >= 0.5).count()
}

#[test]
fn one_face_in_each_single_person_photo() {
    for name in [
        "fr_obama.jpg",
        "skimage_astronaut.png",
        "pillow_hopper_128.png",
        "skimage_camera.png",
        "fr_obama_partial_face.jpg",
    ] {
        let img = fixture(name);
        let faces = detector().detect(&img).unwrap();
        eprintln!(
            "{name}: {:?}",
            faces.iter().map(|f| (f.score, f.bbox)).collect::<Vec<_>>()
        );
        assert_eq!(confident(&faces), 1, "{name}: {faces:?}");
    }
}

#[test]
fn many_faces_in_the_group_photo() {
    let img = fixture("rustface_solvay1927.png");
    let faces = detector().detect(&img).unwrap();
    eprintln!(
        "solvay: {} faces, {} confident",
        faces.len(),
        confident(&faces)
    );
    assert!(confident(&faces) >= 10, "{}", faces.len());
    // Best first.
    assert!(faces.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn landmarks_sit_on_the_face_in_source_pixels() {
    let img = fixture("fr_obama.jpg");
    let faces = detector().detect(&img).unwrap();
    let f = faces[0];
    eprintln!("{f:?}");
    // The face is about 250 px wide in the middle-upper part of the 910×1137 photo.
    assert!(f.bbox.w > 180.0 && f.bbox.w < 400.0, "{:?}", f.bbox);
    assert!(f.left_eye.x < f.right_eye.x);
    for p in [f.left_eye, f.right_eye, f.nose, f.mouth_left, f.mouth_right] {
        assert!(f.bbox.contains(p), "{p:?} outside {:?}", f.bbox);
    }
    assert!(f.left_eye.y < f.nose.y && f.nose.y < f.mouth_left.y);
    assert!(f.roll_degrees().abs() < 10.0);
}

#[test]
fn mesh_points_land_on_eyes_and_lips() {
    for name in ["fr_obama.jpg", "skimage_astronaut.png"] {
        let img = fixture(name);
        let f = detector().detect(&img).unwrap()[0];
        let mesh = mesh_model().landmarks(&img, &f).unwrap();
        assert_eq!(mesh.points.len(), 468);
        assert!(mesh.presence > 0.9, "{name}: presence {}", mesh.presence);
        let tol = f.eye_distance() * 0.25;
        let le = mesh
            .point(mi::LEFT_EYE_TOP)
            .midpoint(mesh.point(mi::LEFT_EYE_BOTTOM));
        let re = mesh
            .point(mi::RIGHT_EYE_TOP)
            .midpoint(mesh.point(mi::RIGHT_EYE_BOTTOM));
        eprintln!(
            "{name}: mesh eyes {le:?} {re:?}, detector {:?} {:?}",
            f.left_eye, f.right_eye
        );
        assert!(
            le.distance(f.left_eye) < tol,
            "{name}: left eye {le:?} vs {:?}",
            f.left_eye
        );
        assert!(
            re.distance(f.right_eye) < tol,
            "{name}: right eye {re:?} vs {:?}",
            f.right_eye
        );
        let ml = mesh.point(mi::MOUTH_LEFT);
        let mr = mesh.point(mi::MOUTH_RIGHT);
        assert!(
            ml.distance(f.mouth_left) < tol,
            "{name}: {ml:?} vs {:?}",
            f.mouth_left
        );
        assert!(
            mr.distance(f.mouth_right) < tol,
            "{name}: {mr:?} vs {:?}",
            f.mouth_right
        );
        // The chin is below the mouth, the forehead above the eyes.
        assert!(mesh.point(mi::CHIN).y > ml.y && mesh.point(mi::FOREHEAD_TOP).y < le.y);
    }
}

#[test]
fn tiny_image_is_an_error_and_a_blank_one_has_no_face() {
    let tiny = image::RgbImage::new(8, 8);
    assert!(detector().detect(&tiny).is_err());
    let blank = image::RgbImage::new(640, 480);
    assert!(detector().detect(&blank).unwrap().is_empty());
}
