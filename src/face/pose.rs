//! Head pose from the 468-point mesh: a weighted similarity fit (Horn's quaternion method, the
//! closed form of Procrustes/Kabsch with scale) of MediaPipe's canonical frontal face onto the
//! mesh's 3-D points, as MediaPipe's own geometry pipeline does with the same landmark weights.
//!
//! The mesh's points are image pixels with a depth on the same scale (weak perspective): the fit
//! is a rotation, a scale and a shift, and the rotation is the head's turn from frontal, free of
//! the bias a pair of points carries (their depth noise, an asymmetric face).

use super::Mesh;
use super::canonical::{BASIS, POINTS};

/// Head rotation from frontal, in degrees. Signs as the AFLW2000-3D labels read on their images:
/// positive `yaw` turns the nose toward the image's left edge (the person's own right), positive
/// `pitch` lifts the chin, positive `roll` lowers the eye on the image's right (clockwise in the
/// image).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct HeadPose {
    pub yaw: f32,
    pub pitch: f32,
    pub roll: f32,
}

type M3 = [[f64; 3]; 3];

/// The pose of a 468-point mesh; `None` when it has another number of points or is degenerate
/// (all points on one spot).
pub fn head_pose(mesh: &Mesh) -> Option<HeadPose> {
    if mesh.points.len() != POINTS.len() {
        return None;
    }
    // Camera frame like the canonical model's: x right, y up, z toward the camera (the mesh's
    // depth is smaller nearer the camera). Two axes flipped: still right-handed.
    let target: Vec<[f64; 3]> = BASIS
        .iter()
        .map(|&(i, _)| {
            let p = mesh.points[i];
            [p[0] as f64, -(p[1] as f64), -(p[2] as f64)]
        })
        .collect();
    let source: Vec<[f64; 3]> = BASIS
        .iter()
        .map(|&(i, _)| POINTS[i].map(f64::from))
        .collect();
    let weights: Vec<f64> = BASIS.iter().map(|&(_, w)| w as f64).collect();
    let r = fit_rotation(&source, &target, &weights)?;
    Some(angles(&r))
}

/// The rotation R minimising Σ wᵢ |s·R·aᵢ + t − bᵢ|² (Horn 1987: the largest eigenvector of a
/// 4×4 symmetric matrix built from the weighted cross-covariance is R's unit quaternion).
fn fit_rotation(a: &[[f64; 3]], b: &[[f64; 3]], w: &[f64]) -> Option<M3> {
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let centroid = |p: &[[f64; 3]]| {
        let mut c = [0.0; 3];
        for (q, &wi) in p.iter().zip(w) {
            for k in 0..3 {
                c[k] += wi * q[k] / total;
            }
        }
        c
    };
    let (ca, cb) = (centroid(a), centroid(b));
    // s[j][k] = Σ w (a − ca)_j (b − cb)_k
    let mut s = [[0.0f64; 3]; 3];
    for ((p, q), &wi) in a.iter().zip(b).zip(w) {
        for j in 0..3 {
            for k in 0..3 {
                s[j][k] += wi * (p[j] - ca[j]) * (q[k] - cb[k]);
            }
        }
    }
    let [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = s;
    let n = [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ];
    let scale: f64 = n.iter().flatten().map(|v| v.abs()).sum();
    if scale.is_nan() || scale <= 1e-12 {
        return None;
    }
    let q = largest_eigenvector(n);
    let [q0, qx, qy, qz] = q;
    Some([
        [
            q0 * q0 + qx * qx - qy * qy - qz * qz,
            2.0 * (qx * qy - q0 * qz),
            2.0 * (qx * qz + q0 * qy),
        ],
        [
            2.0 * (qy * qx + q0 * qz),
            q0 * q0 - qx * qx + qy * qy - qz * qz,
            2.0 * (qy * qz - q0 * qx),
        ],
        [
            2.0 * (qz * qx - q0 * qy),
            2.0 * (qz * qy + q0 * qx),
            q0 * q0 - qx * qx - qy * qy + qz * qz,
        ],
    ])
}

/// Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi rotations),
/// normalised.
fn largest_eigenvector(mut a: [[f64; 4]; 4]) -> [f64; 4] {
    let mut v = [[0.0f64; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _sweep in 0..50 {
        let off: f64 = (0..4)
            .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (rp, rq) = (a[p], a[q]);
                a[p] = std::array::from_fn(|k| c * rp[k] - s * rq[k]);
                a[q] = std::array::from_fn(|k| s * rp[k] + c * rq[k]);
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let best = (0..4)
        .max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))
        .unwrap_or(0);
    let mut e = [v[0][best], v[1][best], v[2][best], v[3][best]];
    let norm = e.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-300);
    for x in &mut e {
        *x /= norm;
    }
    e
}

/// The canonical model's pitch zero against the AFLW2000-3D labels: on the 5 labelled photos
/// turned less than 40° the fit's pitch is 3.1–5.7° (mean 4.5°) more chin-down than the label,
/// a difference of the two frontal references (MediaPipe's model vs the 3-D morphable model the
/// labels come from), not of the photos; taken as 4°, the labels being good to about ±3°.
const PITCH_ZERO_DEG: f64 = 4.0;

/// R = Ry(yaw) · Rx(−pitch) · Rz(roll) in the camera frame (x right, y up, z to the camera): the
/// nose direction R·ẑ gives yaw and pitch, what is left about the nose axis is the roll.
fn angles(r: &M3) -> HeadPose {
    let n = [r[0][2], r[1][2], r[2][2]];
    let yaw = n[0].atan2(n[2]);
    let pitch = n[1].clamp(-1.0, 1.0).asin();
    // Rz(roll) = (Ry(yaw)·Rx(−pitch))ᵀ · R; its first column is (cos roll, sin roll, 0).
    let (sy, cy) = yaw.sin_cos();
    let (sp, cp) = (-pitch).sin_cos();
    // (Ry·Rx)ᵀ rows: Rx(−p)ᵀ·Ry(y)ᵀ.
    let ryt = [[cy, 0.0, -sy], [0.0, 1.0, 0.0], [sy, 0.0, cy]];
    let rxt = [[1.0, 0.0, 0.0], [0.0, cp, sp], [0.0, -sp, cp]];
    let m = mul(&mul(&rxt, &ryt), r);
    let roll = m[1][0].atan2(m[0][0]);
    HeadPose {
        // The nose toward the camera frame's +x (the image's right) is a negative yaw.
        yaw: -yaw.to_degrees() as f32,
        pitch: (pitch.to_degrees() + PITCH_ZERO_DEG) as f32,
        // Counter-clockwise in the camera frame is clockwise in the image (y down).
        roll: -roll.to_degrees() as f32,
    }
}

fn mul(a: &M3, b: &M3) -> M3 {
    let mut m = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            m[i][j] = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rot(yaw: f64, pitch: f64, roll: f64) -> M3 {
        let (sy, cy) = yaw.to_radians().sin_cos();
        let (sp, cp) = (-pitch.to_radians()).sin_cos();
        let (sr, cr) = roll.to_radians().sin_cos();
        let ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]];
        let rx = [[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]];
        let rz = [[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]];
        mul(&mul(&ry, &rx), &rz)
    }

    /// The canonical face turned by `r`, scaled to pixels and placed in an image (y down, depth
    /// growing away from the camera), as the mesh model reports it.
    fn mesh_of(r: &M3, noise: f32) -> Mesh {
        let points = POINTS
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let p = p.map(f64::from);
                let q: Vec<f64> = (0..3)
                    .map(|k| (0..3).map(|j| r[k][j] * p[j]).sum())
                    .collect();
                // A deterministic wiggle standing in for the model's noise.
                let e = noise * (((i * 7919) % 13) as f32 / 6.0 - 1.0);
                [
                    640.0 + 12.0 * q[0] as f32 + e,
                    360.0 - 12.0 * q[1] as f32 - e,
                    -12.0 * q[2] as f32 + e,
                ]
            })
            .collect();
        Mesh {
            points,
            presence: 1.0,
        }
    }

    #[test]
    fn the_fit_recovers_known_rotations_of_the_canonical_face() {
        for (yaw, pitch, roll) in [
            (0.0, 0.0, 0.0),
            (20.0, 0.0, 0.0),
            (-35.0, 0.0, 0.0),
            (0.0, 15.0, 0.0),
            (0.0, -25.0, 0.0),
            (0.0, 0.0, 10.0),
            (12.0, -8.0, 5.0),
            (-40.0, 20.0, -15.0),
        ] {
            let pose = head_pose(&mesh_of(&rot(yaw, pitch, roll), 0.0)).unwrap();
            // The test rotation's yaw turns the nose toward the image's right and its roll is
            // counter-clockwise on screen: the pose's signs are the other way round.
            let want = [-yaw as f32, (pitch + PITCH_ZERO_DEG) as f32, -roll as f32];
            let got = [pose.yaw, pose.pitch, pose.roll];
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 0.05, "want {want:?}, got {got:?}");
            }
        }
    }

    #[test]
    fn signs_follow_the_image() {
        // Nose toward the image's right edge: negative yaw. Chin up: positive pitch.
        let pose = head_pose(&mesh_of(&rot(15.0, 10.0, 0.0), 0.0)).unwrap();
        let nose = mesh_of(&rot(15.0, 10.0, 0.0), 0.0).point(1);
        assert!(nose.x > 640.0 && nose.y < 360.0 - 12.0 * -1.1);
        assert!(pose.yaw < -14.0 && pose.pitch > 9.0, "{pose:?}");
        // Right-hand eye lower in the image: positive roll.
        let m = mesh_of(&rot(0.0, 0.0, -8.0), 0.0);
        assert!(m.point(263).y > m.point(33).y);
        assert!(head_pose(&m).unwrap().roll > 7.0);
    }

    #[test]
    fn model_noise_moves_the_angles_little() {
        let pose = head_pose(&mesh_of(&rot(5.0, -3.0, 2.0), 1.5)).unwrap();
        assert!((pose.yaw + 5.0).abs() < 2.0, "{pose:?}");
        assert!(
            (pose.pitch - (PITCH_ZERO_DEG as f32 - 3.0)).abs() < 2.0,
            "{pose:?}"
        );
        assert!((pose.roll + 2.0).abs() < 2.0, "{pose:?}");
    }

    #[test]
    fn a_mesh_of_the_wrong_size_or_a_single_spot_has_no_pose() {
        let m = Mesh {
            points: vec![[1.0, 2.0, 3.0]; 10],
            presence: 1.0,
        };
        assert!(head_pose(&m).is_none());
        let m = Mesh {
            points: vec![[1.0, 2.0, 3.0]; 468],
            presence: 1.0,
        };
        assert!(head_pose(&m).is_none());
    }
}
