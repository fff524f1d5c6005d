use super::{Invalid, Rules};
use serde::{Deserialize, Serialize};

/// `[checks]`: thresholds of the automatic checks of SPEC §4, one key per measured value. What
/// each value measures and how the defaults were chosen: `docs/CHECKS.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChecksConfig {
    /// Minimum face detector confidence for a face to count.
    pub face_min_score: f32,
    /// face.single: a second face counts when it is at least this fraction of the main face's width.
    pub face_other_min_size: f32,
    /// face.position: largest share of the predicted output crop that may fall outside the capture.
    pub position_max_outside: f32,
    /// face.size: capture pixels per output pixel across the face (below 1 the photo is upscaled).
    pub size_min_scale: f32,
    /// pose.frontal: largest head turn (yaw), nod (pitch) and tilt (roll) in degrees, from the
    /// 3-D fit of the face mesh.
    pub pose_max_yaw_deg: f32,
    pub pose_max_pitch_deg: f32,
    pub pose_max_roll_deg: f32,
    /// pose.frontal: largest shoulder-line tilt in degrees (measured only with the person mask).
    pub pose_max_shoulder_deg: f32,
    /// eyes.open: smallest lid gap / eye width of the less open eye (iris model's eye contour).
    pub eyes_min_open: f32,
    /// eyes.open: smallest openness of the less open eye / the more open one (a wink).
    pub eyes_min_symmetry: f32,
    /// eyes.open: largest sideways gaze, iris centre from the middle of the eye in eye widths.
    pub eyes_max_gaze: f32,
    /// mouth.closed: largest inner-lip gap / mouth width.
    pub mouth_max_open: f32,
    /// mouth.closed: largest share of the lips' area that is teeth.
    pub mouth_max_teeth: f32,
    /// light.exposure: allowed mean face luminance, 0–255.
    pub exposure_min: f32,
    pub exposure_max: f32,
    /// light.exposure: a face darker than `exposure_min` on average still passes when its
    /// brightest twentieth (95th percentile of luminance) reaches this: dark skin in good light
    /// keeps its highlights, a dim or backlit face does not.
    pub exposure_min_highlight: f32,
    /// light.uniform: smallest median darker/brighter luminance ratio of mirrored face patches
    /// (cheek boxes without the mesh).
    pub uniform_min_ratio: f32,
    /// light.hotspot: largest share of the face that is blown out (near white).
    pub hotspot_max_share: f32,
    /// eyes.redeye: largest share of red pixels in the pupils.
    pub redeye_max_share: f32,
    /// glasses.glare: largest share of near-white pixels around the eyes.
    pub glare_max_share: f32,
    /// glasses.tinted: smallest eye-region / cheek luminance ratio, each eye against the cheek
    /// below it.
    pub tinted_min_ratio: f32,
    /// glasses.tinted: smallest whiteness of the eye's white against its iris (brightest tenth of
    /// the eye opening outside the iris over the iris's median luminance, in the eye showing more
    /// white). Behind a tinted or mirrored lens both are the same glass.
    pub tinted_min_white: f32,
    /// image.sharp: smallest edge sharpness of the face in its least sharp direction (1-D Laplacian
    /// / 2-px difference, measured at an eye distance of at most 64 px).
    pub sharp_min: f32,
    /// background.uniform: largest mean edge strength of the backdrop, 0–255 per pixel.
    pub background_max_texture: f32,
    /// clothing.blue: largest share of the top that is vividly blue or close to the output
    /// background colour.
    pub clothing_blue_max_share: f32,
    /// clothing.contrast: smallest colour distance (RGB) between the top and the output background.
    pub clothing_min_contrast: f32,
    /// clothing.pattern: largest share of the top on an edge, at the output photo's scale.
    pub clothing_max_pattern: f32,
    /// recapture: largest periodic-pattern score (screen pixels, moiré, print screens), 0–1.
    pub recapture_max_periodic: f32,
    /// recapture: largest frame score: summed support of the three strongest straight edges
    /// around the face (a print's border, a screen's bezel), 0–4.
    pub recapture_max_frame: f32,
    /// recapture: smallest real-face score of the anti-spoofing model (MiniFASNet, 0–1; not used
    /// on greyscale captures, which it cannot judge).
    pub recapture_min_real: f32,
    /// beautified: smallest skin-texture / eye-detail ratio (beauty filters smooth skin only).
    pub beautified_min_texture: f32,
    /// liveness (blink): the eyes must close to at most this fraction of their open gap.
    pub liveness_blink_max_ratio: f32,
    /// liveness (head turn): smallest change of yaw across the burst, degrees.
    pub liveness_min_turn_deg: f32,
    /// face.occluded: largest "lower face not skin" score: the warmth the lower face lost
    /// against the skin above it, minus how much redder the lips are than the chin.
    pub occluded_max_score: f32,
    /// face.occluded too: smallest range of brightness across the lips, over the cheeks'
    /// brightness (lips, their line, an open mouth or teeth show one; a mask or a hand does not).
    pub occluded_min_lip_contrast: f32,
    /// face.occluded too: largest mask score of the face mask model (0–1).
    pub occluded_max_mask: f32,
    /// head.covered: largest share of the head above the forehead that is neither hair (the hair
    /// model) nor skin-coloured (a bald scalp): a cap, hat, headscarf or hood is neither.
    pub head_covered_max_share: f32,
    /// head.covered without the hair model too: largest share of the head just above the hairline
    /// whose colour is a vivid fabric colour (green, blue, violet, magenta) that neither hair nor
    /// skin has.
    pub head_covered_max_vivid: f32,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            face_min_score: 0.5,
            face_other_min_size: 0.25,
            position_max_outside: 0.02,
            size_min_scale: 0.8,
            pose_max_yaw_deg: 15.0,
            pose_max_pitch_deg: 15.0,
            pose_max_roll_deg: 8.0,
            pose_max_shoulder_deg: 8.0,
            eyes_min_open: 0.15,
            eyes_min_symmetry: 0.7,
            eyes_max_gaze: 0.15,
            mouth_max_open: 0.1,
            mouth_max_teeth: 0.03,
            exposure_min: 60.0,
            exposure_max: 215.0,
            exposure_min_highlight: 120.0,
            uniform_min_ratio: 0.58,
            hotspot_max_share: 0.03,
            redeye_max_share: 0.2,
            glare_max_share: 0.06,
            tinted_min_ratio: 0.35,
            tinted_min_white: 1.2,
            sharp_min: 0.26,
            background_max_texture: 8.0,
            clothing_blue_max_share: 0.3,
            clothing_min_contrast: 60.0,
            clothing_max_pattern: 0.25,
            recapture_max_periodic: 0.35,
            recapture_max_frame: 2.0,
            recapture_min_real: 0.1,
            beautified_min_texture: 0.15,
            liveness_blink_max_ratio: 0.5,
            liveness_min_turn_deg: 6.0,
            occluded_max_score: 0.02,
            occluded_min_lip_contrast: 0.1,
            occluded_max_mask: 0.5,
            head_covered_max_share: 0.85,
            head_covered_max_vivid: 0.3,
        }
    }
}

impl ChecksConfig {
    pub fn validate(&self) -> Vec<Invalid> {
        let mut r = Rules::new("checks");
        r.range("face_min_score", self.face_min_score, 0.05, 0.99);
        r.range("face_other_min_size", self.face_other_min_size, 0.05, 1.0);
        r.range("position_max_outside", self.position_max_outside, 0.0, 0.5);
        r.range("size_min_scale", self.size_min_scale, 0.1, 10.0);
        r.range("pose_max_yaw_deg", self.pose_max_yaw_deg, 1.0, 45.0);
        r.range("pose_max_pitch_deg", self.pose_max_pitch_deg, 1.0, 45.0);
        r.range("pose_max_roll_deg", self.pose_max_roll_deg, 1.0, 45.0);
        r.range(
            "pose_max_shoulder_deg",
            self.pose_max_shoulder_deg,
            1.0,
            45.0,
        );
        r.range("eyes_min_open", self.eyes_min_open, 0.0, 1.0);
        r.range("eyes_min_symmetry", self.eyes_min_symmetry, 0.0, 1.0);
        r.range("eyes_max_gaze", self.eyes_max_gaze, 0.0, 0.5);
        r.range("mouth_max_open", self.mouth_max_open, 0.0, 1.0);
        r.range("mouth_max_teeth", self.mouth_max_teeth, 0.0, 1.0);
        r.range("exposure_min", self.exposure_min, 0.0, 255.0);
        r.range("exposure_max", self.exposure_max, 0.0, 255.0);
        r.range(
            "exposure_min_highlight",
            self.exposure_min_highlight,
            0.0,
            255.0,
        );
        r.ordered(
            "exposure_min",
            self.exposure_min,
            "exposure_max",
            self.exposure_max,
        );
        r.range("uniform_min_ratio", self.uniform_min_ratio, 0.0, 1.0);
        r.range("hotspot_max_share", self.hotspot_max_share, 0.0, 1.0);
        r.range("redeye_max_share", self.redeye_max_share, 0.0, 1.0);
        r.range("glare_max_share", self.glare_max_share, 0.0, 1.0);
        r.range("tinted_min_ratio", self.tinted_min_ratio, 0.0, 1.0);
        r.range("tinted_min_white", self.tinted_min_white, 0.0, 10.0);
        r.range("sharp_min", self.sharp_min, 0.0, 10.0);
        r.range(
            "background_max_texture",
            self.background_max_texture,
            0.0,
            255.0,
        );
        r.range(
            "clothing_blue_max_share",
            self.clothing_blue_max_share,
            0.0,
            1.0,
        );
        r.range(
            "clothing_min_contrast",
            self.clothing_min_contrast,
            0.0,
            442.0,
        );
        r.range(
            "clothing_max_pattern",
            self.clothing_max_pattern,
            0.0,
            255.0,
        );
        r.range(
            "recapture_max_periodic",
            self.recapture_max_periodic,
            0.0,
            1.0,
        );
        r.range("recapture_max_frame", self.recapture_max_frame, 0.0, 4.0);
        r.range("recapture_min_real", self.recapture_min_real, 0.0, 1.0);
        r.range(
            "beautified_min_texture",
            self.beautified_min_texture,
            0.0,
            10.0,
        );
        r.range(
            "liveness_blink_max_ratio",
            self.liveness_blink_max_ratio,
            0.0,
            1.0,
        );
        r.range(
            "liveness_min_turn_deg",
            self.liveness_min_turn_deg,
            0.0,
            45.0,
        );
        r.range("occluded_max_score", self.occluded_max_score, -1.0, 1.0);
        r.range(
            "occluded_min_lip_contrast",
            self.occluded_min_lip_contrast,
            0.0,
            1.0,
        );
        r.range("occluded_max_mask", self.occluded_max_mask, 0.0, 1.0);
        r.range(
            "head_covered_max_share",
            self.head_covered_max_share,
            0.0,
            1.0,
        );
        r.range(
            "head_covered_max_vivid",
            self.head_covered_max_vivid,
            0.0,
            1.0,
        );
        r.finish()
    }
}
