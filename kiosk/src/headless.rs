//! A Slint platform without display or input devices: windows render with the software
//! renderer into memory. The screenshot command, the benchmarks and the tests use it.

use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{EventLoopProxy, Platform, WindowAdapter};
use slint::{EventLoopError, PhysicalSize, PlatformError, Rgba8Pixel, SharedPixelBuffer};
use std::collections::VecDeque;
use std::path::Path;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send>;

/// Closures sent with `slint::invoke_from_event_loop`, run by [`pump`]. Slint accepts one
/// event loop proxy per process, so the queue is process-wide too.
static QUEUE: Mutex<VecDeque<Job>> = Mutex::new(VecDeque::new());

struct QueueProxy;

impl EventLoopProxy for QueueProxy {
    fn quit_event_loop(&self) -> Result<(), EventLoopError> {
        Ok(())
    }

    fn invoke_from_event_loop(&self, job: Job) -> Result<(), EventLoopError> {
        QUEUE
            .lock()
            .map_err(|_| EventLoopError::EventLoopTerminated)?
            .push_back(job);
        Ok(())
    }
}

struct HeadlessPlatform {
    start: Instant,
}

thread_local! {
    /// Latest window created on this thread, so that [`draw`] can reach its renderer.
    static LAST_WINDOW: std::cell::RefCell<Option<std::rc::Weak<MinimalSoftwareWindow>>> =
        const { std::cell::RefCell::new(None) };
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        LAST_WINDOW.with(|last| *last.borrow_mut() = Some(Rc::downgrade(&window)));
        Ok(window)
    }

    fn duration_since_start(&self) -> Duration {
        self.start.elapsed()
    }

    fn new_event_loop_proxy(&self) -> Option<Box<dyn EventLoopProxy>> {
        Some(Box::new(QueueProxy))
    }
}

/// Installs the headless platform on the calling thread, which becomes the UI thread.
/// Fails when a platform is already set.
pub fn install() -> Result<(), slint::platform::SetPlatformError> {
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        start: Instant::now(),
    }))
}

/// Runs the queued closures and the due timers, as one turn of an event loop would.
pub fn pump() {
    loop {
        let job = match QUEUE.lock() {
            Ok(mut queue) => queue.pop_front(),
            Err(_) => None,
        };
        match job {
            Some(job) => job(),
            None => break,
        }
    }
    slint::platform::update_timers_and_animations();
}

/// Pumps until `check` returns true or `timeout` passes; returns the last result.
pub fn pump_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        pump();
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Resizes `window` to `width` × `height` pixels and renders it.
pub fn render(
    window: &slint::Window,
    width: u32,
    height: u32,
) -> Result<SharedPixelBuffer<Rgba8Pixel>, PlatformError> {
    window.set_size(PhysicalSize::new(width, height));
    pump();
    window.take_snapshot()
}

/// Encodes `pixels` as an RGBA PNG file at `path`.
pub fn write_png(pixels: &SharedPixelBuffer<Rgba8Pixel>, path: &Path) -> std::io::Result<()> {
    if let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder)?;
    }
    let file = std::fs::File::create(path)?;
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(file),
        pixels.width(),
        pixels.height(),
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(pixels.as_bytes())
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

/// Draws the latest window created on this thread into `buffer` (`stride` pixels a line)
/// when it needs a redraw; returns whether it drew. `window` is only resized.
pub fn draw(
    window: &slint::Window,
    buffer: &mut [slint::platform::software_renderer::Rgb565Pixel],
    stride: usize,
) -> bool {
    let _ = window;
    let Some(adapter) = LAST_WINDOW.with(|last| last.borrow().as_ref().and_then(|w| w.upgrade()))
    else {
        return false;
    };
    adapter.draw_if_needed(|renderer| {
        renderer.render(buffer, stride);
    })
}
