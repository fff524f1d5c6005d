//! A source that plays a script of pictures, pauses and failures, for tests. The script is shared
//! between the sources a factory makes, so a reconnect continues where the failure happened, as a
//! replugged camera does.

use super::{CameraError, FrameSource, SourceInfo};
use image::RgbImage;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One step of a script.
#[derive(Debug, Clone)]
pub enum ScriptStep {
    /// Deliver this picture.
    Image(Arc<RgbImage>),
    /// Deliver nothing for this long (the call blocks), then go on: a camera that hangs.
    Stall(Duration),
    /// The stream fails with `Disconnected`, and opening fails with `NotFound` for this long: a
    /// camera unplugged and plugged back in.
    Unplug(Duration),
}

#[derive(Debug)]
struct Script {
    steps: VecDeque<ScriptStep>,
    /// Repeated when the script has run out (a camera looking at a still scene).
    last: Option<Arc<RgbImage>>,
    absent_until: Option<Instant>,
    opens: u32,
}

/// Plays a [`ScriptStep`] list. Clones share the script.
#[derive(Debug, Clone)]
pub struct ScriptedSource {
    script: Arc<Mutex<Script>>,
    interval: Duration,
    open: bool,
}

impl ScriptedSource {
    /// `interval` is the pause between pictures (the camera's frame period).
    pub fn new(steps: Vec<ScriptStep>, interval: Duration) -> ScriptedSource {
        ScriptedSource {
            script: Arc::new(Mutex::new(Script {
                steps: steps.into(),
                last: None,
                absent_until: None,
                opens: 0,
            })),
            interval,
            open: false,
        }
    }

    /// A script of image files, in order.
    pub fn from_files(
        files: &[impl AsRef<Path>],
        interval: Duration,
    ) -> Result<ScriptedSource, CameraError> {
        let mut steps = Vec::new();
        for f in files {
            let img = crate::imageio::load_rgb(f.as_ref(), crate::imageio::LoadLimits::default())
                .map_err(|e| CameraError::Decode(e.to_string()))?;
            steps.push(ScriptStep::Image(Arc::new(img)));
        }
        Ok(ScriptedSource::new(steps, interval))
    }

    /// How many times a source of this script was opened successfully (reconnects + 1).
    pub fn opens(&self) -> u32 {
        self.lock().opens
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl FrameSource for ScriptedSource {
    fn open(&mut self) -> Result<SourceInfo, CameraError> {
        let mut s = self.lock();
        if let Some(until) = s.absent_until {
            if Instant::now() < until {
                return Err(CameraError::NotFound);
            }
            s.absent_until = None;
        }
        s.opens += 1;
        drop(s);
        self.open = true;
        Ok(SourceInfo {
            name: "scripted".into(),
            width: 0,
            height: 0,
            format: "RGB".into(),
        })
    }

    fn next_frame(&mut self) -> Result<RgbImage, CameraError> {
        if !self.open {
            return Err(CameraError::NotOpen);
        }
        std::thread::sleep(self.interval);
        loop {
            let step = self.lock().steps.pop_front();
            match step {
                Some(ScriptStep::Image(img)) => {
                    self.lock().last = Some(Arc::clone(&img));
                    return Ok((*img).clone());
                }
                Some(ScriptStep::Stall(d)) => std::thread::sleep(d),
                Some(ScriptStep::Unplug(d)) => {
                    self.lock().absent_until = Some(Instant::now() + d);
                    self.open = false;
                    return Err(CameraError::Disconnected("unplugged (scripted)".into()));
                }
                None => {
                    return match self.lock().last.clone() {
                        Some(img) => Ok((*img).clone()),
                        None => Err(CameraError::Disconnected("empty script".into())),
                    };
                }
            }
        }
    }

    fn close(&mut self) {
        self.open = false;
    }
}
