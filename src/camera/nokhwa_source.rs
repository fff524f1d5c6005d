//! The USB webcam through nokhwa's native backend (V4L2 on Linux, Media Foundation on Windows).
//! Kept thin: nokhwa opens the device and hands over raw buffers; MJPEG is decoded by `image`
//! (zune-jpeg, pure Rust), YUYV and NV12 (what Media Foundation offers besides MJPEG) here, so no
//! C JPEG library is built.

use super::{CameraError, DeviceChoice, FrameSource, SourceInfo};
use crate::config::CameraConfig;
use image::RgbImage;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
};
use nokhwa::{Camera, NokhwaError};

/// A camera found on this computer and the modes it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub index: String,
    pub name: String,
    /// `"1280x720 MJPEG 30fps"`, one per mode.
    pub formats: Vec<String>,
}

/// Lists the cameras and their modes. An empty list means none is plugged in.
pub fn list_devices() -> Result<Vec<DeviceInfo>, CameraError> {
    let found = match nokhwa::query(ApiBackend::Auto) {
        Ok(f) => f,
        // No video device nodes at all reads as "none found", not as a failure.
        Err(NokhwaError::GetPropertyError { .. } | NokhwaError::StructureError { .. }) => {
            return Ok(Vec::new());
        }
        Err(e) => return Err(CameraError::Open(e.to_string())),
    };
    let mut out = Vec::new();
    for info in found {
        let mut formats = Vec::new();
        let request = RequestedFormat::with_formats(RequestedFormatType::None, &DECODABLE);
        match Camera::new(info.index().clone(), request) {
            Ok(mut cam) => match cam.compatible_camera_formats() {
                Ok(list) => {
                    for f in list {
                        formats.push(format!(
                            "{}x{} {} {}fps",
                            f.width(),
                            f.height(),
                            f.format(),
                            f.frame_rate()
                        ));
                    }
                }
                Err(e) => formats.push(format!("(modes unreadable: {e})")),
            },
            Err(e) => formats.push(format!("(cannot open: {e})")),
        }
        out.push(DeviceInfo {
            index: info.index().as_string(),
            name: info.human_name(),
            formats,
        });
    }
    Ok(out)
}

/// Pixel formats this module decodes, in order of preference (MJPEG reaches 30 fps at 1080p on
/// USB 2, YUYV usually does not). NV12 and BGR are Media Foundation's other usual offers.
const DECODABLE: [FrameFormat; 6] = [
    FrameFormat::MJPEG,
    FrameFormat::YUYV,
    FrameFormat::NV12,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
    FrameFormat::GRAY,
];

pub struct NokhwaSource {
    choice: DeviceChoice,
    width: u32,
    height: u32,
    fps: u32,
    camera: Option<Camera>,
}

impl NokhwaSource {
    pub fn new(choice: DeviceChoice, config: &CameraConfig) -> NokhwaSource {
        NokhwaSource {
            choice,
            width: config.width,
            height: config.height,
            fps: config.fps,
            camera: None,
        }
    }

    fn try_open(&self, index: &CameraIndex) -> Result<Camera, CameraError> {
        let mut last = None;
        for fmt in DECODABLE {
            let wanted = CameraFormat::new_from(self.width, self.height, fmt, self.fps);
            let request =
                RequestedFormat::with_formats(RequestedFormatType::Closest(wanted), &DECODABLE);
            match Camera::new(index.clone(), request) {
                Ok(cam) => return Ok(cam),
                Err(e) => last = Some(e),
            }
        }
        Err(CameraError::Open(
            last.map(|e| e.to_string()).unwrap_or_default(),
        ))
    }
}

impl FrameSource for NokhwaSource {
    fn open(&mut self) -> Result<SourceInfo, CameraError> {
        let devices = nokhwa::query(ApiBackend::Auto).unwrap_or_default();
        let index = match &self.choice {
            DeviceChoice::Index(i) => {
                let idx = CameraIndex::Index(*i);
                if !devices.iter().any(|d| d.index() == &idx) {
                    return Err(if devices.is_empty() {
                        CameraError::NotFound
                    } else {
                        CameraError::NoSuchDevice(i.to_string())
                    });
                }
                idx
            }
            _ => devices
                .first()
                .map(|d| d.index().clone())
                .ok_or(CameraError::NotFound)?,
        };
        let mut cam = self.try_open(&index)?;
        cam.open_stream()
            .map_err(|e| CameraError::Open(e.to_string()))?;
        let fmt = cam.camera_format();
        let info = SourceInfo {
            name: cam.info().human_name(),
            width: fmt.width(),
            height: fmt.height(),
            format: format!("{} {}fps", fmt.format(), fmt.frame_rate()),
        };
        self.camera = Some(cam);
        Ok(info)
    }

    fn next_frame(&mut self) -> Result<RgbImage, CameraError> {
        let cam = self.camera.as_mut().ok_or(CameraError::NotOpen)?;
        let buf = cam
            .frame()
            .map_err(|e| CameraError::Disconnected(e.to_string()))?;
        let res = buf.resolution();
        decode(
            buf.buffer(),
            buf.source_frame_format(),
            res.width(),
            res.height(),
        )
    }

    fn close(&mut self) {
        if let Some(mut cam) = self.camera.take() {
            let _ = cam.stop_stream();
        }
    }
}

/// Decodes one raw camera buffer.
fn decode(data: &[u8], format: FrameFormat, w: u32, h: u32) -> Result<RgbImage, CameraError> {
    let short = || CameraError::Decode(format!("{format} buffer too short for {w}x{h}"));
    match format {
        FrameFormat::MJPEG => image::load_from_memory_with_format(data, image::ImageFormat::Jpeg)
            .map(|i| i.to_rgb8())
            .map_err(|e| CameraError::Decode(e.to_string())),
        FrameFormat::YUYV => yuyv_to_rgb(data, w, h).ok_or_else(short),
        FrameFormat::NV12 => nv12_to_rgb(data, w, h).ok_or_else(short),
        FrameFormat::RAWBGR => {
            let n = (w as usize) * (h as usize) * 3;
            let bytes = data.get(..n).ok_or_else(short)?;
            let rgb = bytes
                .chunks_exact(3)
                .flat_map(|p| [p[2], p[1], p[0]])
                .collect();
            RgbImage::from_raw(w, h, rgb).ok_or_else(short)
        }
        FrameFormat::RAWRGB => {
            let n = (w as usize) * (h as usize) * 3;
            let bytes = data.get(..n).ok_or_else(short)?;
            RgbImage::from_raw(w, h, bytes.to_vec()).ok_or_else(short)
        }
        FrameFormat::GRAY => {
            let n = (w as usize) * (h as usize);
            let bytes = data.get(..n).ok_or_else(short)?;
            Ok(RgbImage::from_fn(w, h, |x, y| {
                let v = bytes[(y * w + x) as usize];
                image::Rgb([v, v, v])
            }))
        }
    }
}

/// One pixel of BT.601 limited-range YUV (u, v centred on 0) in fixed point: 298/256 = 1.164,
/// 409 = 1.596, 100 = 0.391, 208 = 0.813, 516 = 2.018.
fn yuv_pixel(y: u8, u: i32, v: i32) -> [u8; 3] {
    let c = 298 * (y as i32 - 16);
    let px = |v: i32| ((v + 128) >> 8).clamp(0, 255) as u8;
    [px(c + 409 * v), px(c - 100 * u - 208 * v), px(c + 516 * u)]
}

/// NV12 (a full-size Y plane, then one interleaved U V pair per 2×2 pixels, BT.601 limited
/// range) to RGB. `None` when the buffer is shorter than `w`×`h` needs or a side is odd.
pub fn nv12_to_rgb(data: &[u8], w: u32, h: u32) -> Option<RgbImage> {
    if !w.is_multiple_of(2) || !h.is_multiple_of(2) {
        return None;
    }
    let (wu, hu) = (w as usize, h as usize);
    let luma = data.get(..wu * hu)?;
    let chroma = data.get(wu * hu..wu * hu + wu * hu / 2)?;
    let mut out = Vec::with_capacity(wu * hu * 3);
    for (row, line) in luma.chunks_exact(wu).enumerate() {
        let uv = &chroma[(row / 2) * wu..(row / 2) * wu + wu];
        for (x, &y) in line.iter().enumerate() {
            let pair = &uv[(x / 2) * 2..(x / 2) * 2 + 2];
            out.extend(yuv_pixel(y, pair[0] as i32 - 128, pair[1] as i32 - 128));
        }
    }
    RgbImage::from_raw(w, h, out)
}

/// YUYV 4:2:2 (Y0 U Y1 V per two pixels, BT.601 limited range) to RGB. `None` when the buffer
/// is shorter than `w`×`h` needs or `w` is odd.
pub fn yuyv_to_rgb(data: &[u8], w: u32, h: u32) -> Option<RgbImage> {
    if !w.is_multiple_of(2) {
        return None;
    }
    let n = (w as usize) * (h as usize) * 2;
    let src = data.get(..n)?;
    let mut out = Vec::with_capacity((w as usize) * (h as usize) * 3);
    for quad in src.chunks_exact(4) {
        let (u, v) = (quad[1] as i32 - 128, quad[3] as i32 - 128);
        for y in [quad[0], quad[2]] {
            out.extend(yuv_pixel(y, u, v));
        }
    }
    RgbImage::from_raw(w, h, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuyv_grey_and_colour() {
        // Black, white (limited range 16..235) and a saturated red pair.
        let data = [16, 128, 235, 128, 81, 90, 81, 240];
        let img = yuyv_to_rgb(&data, 4, 1).unwrap();
        assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0]);
        assert_eq!(img.get_pixel(1, 0).0, [255, 255, 255]);
        let red = img.get_pixel(2, 0).0;
        assert!(red[0] > 240 && red[1] < 20 && red[2] < 20, "{red:?}");
    }

    #[test]
    fn yuyv_short_or_odd_is_refused() {
        assert!(yuyv_to_rgb(&[0; 7], 2, 2).is_none());
        assert!(yuyv_to_rgb(&[0; 12], 3, 1).is_none());
    }

    #[test]
    fn nv12_matches_yuyv_for_the_same_colours() {
        // 2×2 pixels: luma black, white, and two mid greys; one chroma pair (saturated red's).
        let nv12 = [16, 235, 81, 81, 90, 240];
        let img = nv12_to_rgb(&nv12, 2, 2).unwrap();
        let yuyv = yuyv_to_rgb(&[16, 90, 235, 240, 81, 90, 81, 240], 2, 2).unwrap();
        assert_eq!(img, yuyv, "the same pixels through either layout");
        let red = img.get_pixel(0, 1).0;
        assert!(red[0] > 240 && red[1] < 20 && red[2] < 20, "{red:?}");
        assert!(nv12_to_rgb(&nv12[..5], 2, 2).is_none(), "short buffer");
        assert!(nv12_to_rgb(&[0; 9], 3, 2).is_none(), "odd width");
    }

    #[test]
    fn bgr_is_swapped_to_rgb() {
        let img = decode(&[1, 2, 3], FrameFormat::RAWBGR, 1, 1).unwrap();
        assert_eq!(img.get_pixel(0, 0).0, [3, 2, 1]);
    }

    #[test]
    fn raw_buffers_too_short_are_errors_not_panics() {
        assert!(decode(&[1, 2, 3], FrameFormat::RAWRGB, 2, 2).is_err());
        assert!(decode(&[1, 2, 3], FrameFormat::GRAY, 2, 2).is_err());
        assert!(decode(&[1, 2, 3], FrameFormat::MJPEG, 2, 2).is_err());
    }
}
