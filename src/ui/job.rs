//! Work on its own thread with a progress counter, for the teacher tabs and the office window:
//! a USB stick, SQLite or the face models never hold up the GUI thread. No egui.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// How far a job is: `done` of `total` steps (files for an export, thousandths for the lab).
#[derive(Debug, Clone, Default)]
pub struct Counter {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Counter {
    pub fn set(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    /// (done, total)
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// Work on its own thread with a progress counter.
#[derive(Debug)]
pub struct Job<T> {
    rx: Receiver<T>,
    pub progress: Counter,
}

/// What polling a job found.
#[derive(Debug)]
pub enum Poll<T> {
    Running {
        done: usize,
        total: usize,
    },
    Done(T),
    /// The thread ended without an answer (it panicked): said, never shown as running forever.
    Lost,
}

impl<T: Send + 'static> Job<T> {
    pub fn spawn(work: impl FnOnce(&Counter) -> T + Send + 'static) -> Job<T> {
        let (tx, rx) = channel();
        let progress = Counter::default();
        let p = progress.clone();
        std::thread::spawn(move || {
            // The window may have gone; nobody is left to tell.
            let _ = tx.send(work(&p));
        });
        Job { rx, progress }
    }

    /// Never blocks.
    pub fn poll(&self) -> Poll<T> {
        match self.rx.try_recv() {
            Ok(v) => Poll::Done(v),
            Err(TryRecvError::Empty) => {
                let (done, total) = self.progress.get();
                Poll::Running { done, total }
            }
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_reports_its_value_and_a_panicked_one_is_lost() {
        let job = Job::spawn(|p: &Counter| {
            p.set(1, 2);
            7
        });
        let value = loop {
            match job.poll() {
                Poll::Done(v) => break v,
                Poll::Running { .. } => std::thread::sleep(std::time::Duration::from_millis(5)),
                Poll::Lost => panic!("lost"),
            }
        };
        assert_eq!(value, 7);
        let job: Job<u32> = Job::spawn(|_| panic!("worker failed"));
        let lost = loop {
            match job.poll() {
                Poll::Lost => break true,
                Poll::Done(_) => break false,
                Poll::Running { .. } => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        };
        assert!(lost);
    }
}
