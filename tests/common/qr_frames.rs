//! Generator of camera-like frames showing a QR code, shared by the integration tests
//! (`tests/it/camera_scan.rs`), the benchmark (`benches/scan.rs`) and the example that writes the
//! demo pictures and the hard set compared with zbarimg (`examples/scan_frames.rs`). Included with
//! `#[path]`, so it is plain code with no crate of its own.
//!
//! Each hard condition imitates what it does to the pixels in front of a real webcam: a phone
//! held at a distance (tiny), turned (rotated), tilted back (perspective), out of focus (blur),
//! a dim or washed-out screen (low contrast), a lamp reflected on the glass (glare), dark mode
//! (inverted), a cheap sensor in poor light (noisy).

#![allow(dead_code)]

use image::{Rgb, RgbImage};

/// How a code appears in a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shot {
    /// Width of the code (without quiet zone) in pixels before perspective.
    pub size: f64,
    /// In-plane rotation, degrees.
    pub rotate_deg: f64,
    /// Tilt away from the camera about the vertical axis, degrees (0: facing it).
    pub tilt_deg: f64,
    /// Box-blur radius in pixels (two passes), 0: sharp.
    pub blur: u32,
    /// Luminance of dark and light modules.
    pub dark: u8,
    pub light: u8,
    /// Light modules on dark (dark-mode screen).
    pub inverted: bool,
    /// Peak added brightness of a reflection over the upper right of the code, 0: none.
    pub glare: f64,
    /// Standard deviation of Gaussian sensor noise.
    pub noise: f64,
}

impl Default for Shot {
    fn default() -> Self {
        Shot {
            size: 150.0,
            rotate_deg: 0.0,
            tilt_deg: 0.0,
            blur: 0,
            dark: 25,
            light: 230,
            inverted: false,
            glare: 0.0,
            noise: 0.0,
        }
    }
}

/// The named hard set: (name, shot). Names are file names in the comparison.
pub fn hard_set() -> Vec<(&'static str, Shot)> {
    let d = Shot::default();
    vec![
        ("plain_150", d),
        ("tiny_80", Shot { size: 80.0, ..d }),
        ("tiny_60", Shot { size: 60.0, ..d }),
        ("tiny_45", Shot { size: 45.0, ..d }),
        (
            "rotated_20",
            Shot {
                rotate_deg: 20.0,
                ..d
            },
        ),
        (
            "rotated_45",
            Shot {
                rotate_deg: 45.0,
                ..d
            },
        ),
        (
            "rotated_170",
            Shot {
                rotate_deg: 170.0,
                ..d
            },
        ),
        (
            "tilt_40",
            Shot {
                tilt_deg: 40.0,
                ..d
            },
        ),
        (
            "tilt_55",
            Shot {
                tilt_deg: 55.0,
                ..d
            },
        ),
        (
            "tilt_65",
            Shot {
                tilt_deg: 65.0,
                size: 200.0,
                ..d
            },
        ),
        (
            "tilt_50_rot_30",
            Shot {
                tilt_deg: 50.0,
                rotate_deg: 30.0,
                ..d
            },
        ),
        ("blur_2", Shot { blur: 2, ..d }),
        ("blur_3", Shot { blur: 3, ..d }),
        (
            "blur_5",
            Shot {
                blur: 5,
                size: 200.0,
                ..d
            },
        ),
        (
            "low_contrast_40",
            Shot {
                dark: 110,
                light: 150,
                ..d
            },
        ),
        (
            "low_contrast_20",
            Shot {
                dark: 120,
                light: 140,
                ..d
            },
        ),
        (
            "low_contrast_bright_25",
            Shot {
                dark: 215,
                light: 240,
                ..d
            },
        ),
        ("glare_150", Shot { glare: 150.0, ..d }),
        ("glare_300", Shot { glare: 300.0, ..d }),
        (
            "inverted",
            Shot {
                inverted: true,
                ..d
            },
        ),
        (
            "inverted_tilt_50",
            Shot {
                inverted: true,
                tilt_deg: 50.0,
                ..d
            },
        ),
        (
            "inverted_tiny_60",
            Shot {
                inverted: true,
                size: 60.0,
                ..d
            },
        ),
        ("noisy_15", Shot { noise: 15.0, ..d }),
        ("noisy_30", Shot { noise: 30.0, ..d }),
        ("noisy_45", Shot { noise: 45.0, ..d }),
        (
            "noisy_blur_low_contrast",
            Shot {
                noise: 12.0,
                blur: 2,
                dark: 90,
                light: 170,
                ..d
            },
        ),
    ]
}

/// The QR modules of `payload` (error correction M), row-major, `true` = dark.
pub fn modules(payload: &[u8]) -> (usize, Vec<bool>) {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
        .expect("payload fits a QR code");
    let n = code.width();
    let colors = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    (n, colors)
}

/// A 1280×720 frame: a room-like background, a phone whose screen shows the code as `shot` says.
pub fn frame(payload: &[u8], shot: &Shot) -> RgbImage {
    frame_sized(payload, shot, 1280, 720)
}

pub fn frame_sized(payload: &[u8], shot: &Shot, w: u32, h: u32) -> RgbImage {
    let (n, dark) = modules(payload);
    let mut img = background(w, h);
    // The code plane: the code spans [0, 1]² with a 4-module quiet zone, and the phone screen
    // around it reaches further down, as on a phone showing a capture code.
    let q = 4.0 / n as f64;
    let (cx, cy) = (w as f64 * 0.55, h as f64 * 0.5);
    let map = Projection::new(shot, cx, cy);
    let (screen, ink) = if shot.inverted {
        (shot.dark, shot.light)
    } else {
        (shot.light, shot.dark)
    };
    // Supersample 3×3 per pixel so module edges are antialiased like a real lens does.
    const SS: usize = 3;
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            let mut hits = 0;
            let mut body = 0;
            for sy in 0..SS {
                for sx in 0..SS {
                    let px = x as f64 + (sx as f64 + 0.5) / SS as f64;
                    let py = y as f64 + (sy as f64 + 0.5) / SS as f64;
                    let (u, v) = map.to_plane(px, py);
                    // Phone body: a dark frame around the screen.
                    let in_screen =
                        u > -q - 0.08 && u < 1.0 + q + 0.08 && v > -q - 0.3 && v < 1.0 + q + 0.5;
                    let in_body =
                        u > -q - 0.14 && u < 1.0 + q + 0.14 && v > -q - 0.45 && v < 1.0 + q + 0.7;
                    if in_screen {
                        hits += 1;
                        let value = if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                            let (mx, my) = ((u * n as f64) as usize, (v * n as f64) as usize);
                            if dark[my.min(n - 1) * n + mx.min(n - 1)] {
                                ink
                            } else {
                                screen
                            }
                        } else {
                            screen
                        };
                        acc += value as f64;
                    } else if in_body {
                        body += 1;
                        acc += 35.0;
                    }
                }
            }
            let total = SS * SS;
            if hits + body > 0 {
                let bg = luminance(img.get_pixel(x, y));
                let v = (acc + bg * (total - hits - body) as f64) / total as f64;
                img.put_pixel(x, y, grey(v));
            }
        }
    }
    if shot.glare > 0.0 {
        // A reflection over the upper right quarter of the code: brightness added, then clipped
        // as a sensor does.
        let (gx, gy) = map.to_image(0.7, 0.3);
        let sigma = shot.size * 0.25;
        for y in 0..h {
            for x in 0..w {
                let d2 = (x as f64 - gx).powi(2) + (y as f64 - gy).powi(2);
                let add = shot.glare * (-d2 / (2.0 * sigma * sigma)).exp();
                if add > 0.5 {
                    let p = img.get_pixel(x, y).0;
                    img.put_pixel(x, y, Rgb(p.map(|c| (c as f64 + add).min(255.0) as u8)));
                }
            }
        }
    }
    for _ in 0..2 {
        box_blur(&mut img, shot.blur);
    }
    if shot.noise > 0.0 {
        add_noise(&mut img, shot.noise, 0x5eed_1234_abcd_0001);
    }
    img
}

fn luminance(p: &Rgb<u8>) -> f64 {
    0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
}

fn grey(v: f64) -> Rgb<u8> {
    let v = v.round().clamp(0.0, 255.0) as u8;
    Rgb([v, v, v])
}

/// A plausible room: a wall with a vertical light gradient, a door frame, a shelf edge.
fn background(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let fx = x as f64 / w as f64;
        let fy = y as f64 / h as f64;
        let mut v = 150.0 + 50.0 * (1.0 - fy) - 30.0 * (fx - 0.5).abs();
        if (0.1..0.13).contains(&fx) && fy > 0.15 {
            v = 70.0;
        }
        if (0.82..0.84).contains(&fy) {
            v -= 60.0;
        }
        let v = v.clamp(0.0, 255.0);
        Rgb([(v * 1.02).min(255.0) as u8, v as u8, (v * 0.93) as u8])
    })
}

/// Code plane ↔ image: rotation in the plane, tilt about the vertical axis, pinhole projection.
struct Projection {
    size: f64,
    cos_r: f64,
    sin_r: f64,
    cos_t: f64,
    sin_t: f64,
    focal: f64,
    cx: f64,
    cy: f64,
}

impl Projection {
    fn new(shot: &Shot, cx: f64, cy: f64) -> Projection {
        let (r, t) = (shot.rotate_deg.to_radians(), shot.tilt_deg.to_radians());
        Projection {
            size: shot.size,
            cos_r: r.cos(),
            sin_r: r.sin(),
            cos_t: t.cos(),
            sin_t: t.sin(),
            // A webcam's field of view: focal length ≈ image width.
            focal: 1100.0,
            cx,
            cy,
        }
    }

    /// Plane (u, v) in code units → image pixel.
    fn to_image(&self, u: f64, v: f64) -> (f64, f64) {
        let (x, y) = ((u - 0.5) * self.size, (v - 0.5) * self.size);
        let (xr, yr) = (
            x * self.cos_r - y * self.sin_r,
            x * self.sin_r + y * self.cos_r,
        );
        let (xt, zt) = (xr * self.cos_t, xr * self.sin_t);
        let s = self.focal / (self.focal + zt);
        (self.cx + xt * s, self.cy + yr * s)
    }

    /// Image pixel → plane (u, v): the inverse of `to_image`.
    fn to_plane(&self, px: f64, py: f64) -> (f64, f64) {
        let (dx, dy) = (px - self.cx, py - self.cy);
        // dx = xr·cos_t·f/(f + xr·sin_t)  ⇒  xr = dx·f / (f·cos_t − dx·sin_t)
        let denom = self.focal * self.cos_t - dx * self.sin_t;
        if denom <= 1e-6 {
            return (-10.0, -10.0);
        }
        let xr = dx * self.focal / denom;
        let s = self.focal / (self.focal + xr * self.sin_t);
        let yr = dy / s;
        let (x, y) = (
            xr * self.cos_r + yr * self.sin_r,
            -xr * self.sin_r + yr * self.cos_r,
        );
        (x / self.size + 0.5, y / self.size + 0.5)
    }
}

fn box_blur(img: &mut RgbImage, r: u32) {
    if r == 0 {
        return;
    }
    let (w, h) = img.dimensions();
    let r = r as i64;
    let src = img.clone();
    // Horizontal then vertical, clamped at the edges.
    let mut tmp = src.clone();
    for y in 0..h {
        for x in 0..w {
            let mut s = [0u32; 3];
            for dx in -r..=r {
                let xx = (x as i64 + dx).clamp(0, w as i64 - 1) as u32;
                let p = src.get_pixel(xx, y).0;
                for c in 0..3 {
                    s[c] += p[c] as u32;
                }
            }
            let n = (2 * r + 1) as u32;
            tmp.put_pixel(x, y, Rgb(s.map(|v| (v / n) as u8)));
        }
    }
    for y in 0..h {
        for x in 0..w {
            let mut s = [0u32; 3];
            for dy in -r..=r {
                let yy = (y as i64 + dy).clamp(0, h as i64 - 1) as u32;
                let p = tmp.get_pixel(x, yy).0;
                for c in 0..3 {
                    s[c] += p[c] as u32;
                }
            }
            let n = (2 * r + 1) as u32;
            img.put_pixel(x, y, Rgb(s.map(|v| (v / n) as u8)));
        }
    }
}

/// Gaussian noise from a fixed seed (xorshift + Box–Muller), so the set is reproducible.
fn add_noise(img: &mut RgbImage, sigma: f64, seed: u64) {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for p in img.pixels_mut() {
        let (u1, u2) = (next().max(1e-12), next());
        let g = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos() * sigma;
        // Luminance noise, the same on every channel, as a sensor's dominant noise looks.
        *p = Rgb(p.0.map(|c| (c as f64 + g).round().clamp(0.0, 255.0) as u8));
    }
}
