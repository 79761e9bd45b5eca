//! The UI controller: owns the window, applies the worker's updates on the UI thread,
//! runs the idle timer and the attract cycle, and fills the station detail on a tap.

use crate::format;
use crate::idle::Attract;
use crate::snapshot::Snapshot;
use crate::view;
use crate::worker::Update;
use crate::{Activity, KioskWindow, Screen};
use slint::{ComponentHandle, SharedString, Timer, TimerMode};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct UiSettings {
    /// Hub address, named in the message shown while no data is available.
    pub hub_url: String,
    /// Time without a touch before the attract mode starts.
    pub idle_after: Duration,
    /// Time each screen stays in attract mode.
    pub cycle_every: Duration,
}

/// Whether the data shown comes from the hub now, from the disk, or from a hub that stopped
/// answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No answer yet since start.
    Starting,
    Online,
    Offline,
}

struct State {
    snapshot: Option<Arc<Snapshot>>,
    link: Link,
    offline_reason: Option<String>,
    attract: Attract,
    /// Index of the station on the station screen.
    selected_station: Option<usize>,
    /// Bytes of the plan on screen, so that an unchanged plan is not decoded again.
    shown_plan: Option<Arc<Vec<u8>>>,
}

pub struct Kiosk {
    window: KioskWindow,
    state: Rc<RefCell<State>>,
    sender: Sender<Update>,
    _timer: Timer,
}

impl Kiosk {
    /// Creates the window and its timers on the calling thread, which must be the UI
    /// thread. `cached` is shown until the hub answers.
    pub fn new(
        settings: &UiSettings,
        cached: Option<Snapshot>,
    ) -> Result<Kiosk, slint::PlatformError> {
        let window = KioskWindow::new()?;
        let state = Rc::new(RefCell::new(State {
            snapshot: None,
            link: Link::Starting,
            offline_reason: None,
            attract: Attract::new(settings.idle_after, settings.cycle_every, Instant::now()),
            selected_station: None,
            shown_plan: None,
        }));
        window.set_waiting_message(
            "Les résultats s'afficheront dès que le kiosque aura joint le serveur des résultats."
                .into(),
        );
        window.set_waiting_detail(format!("Serveur : {}", settings.hub_url).into());

        let (sender, receiver) = channel::<Update>();
        connect_updates(&window, &state, receiver);
        connect_touches(&window, &state);
        connect_station_selection(&window, &state);
        let timer = start_clock(&window, &state);

        if let Some(snapshot) = cached {
            state.borrow_mut().snapshot = Some(Arc::new(snapshot));
            show_snapshot(&window, &state.borrow());
            show_plan(&window, &mut state.borrow_mut());
        }
        Ok(Kiosk {
            window,
            state,
            sender,
            _timer: timer,
        })
    }

    pub fn window(&self) -> &KioskWindow {
        &self.window
    }

    /// Returns the function the data worker calls for each update: it queues the update
    /// and asks the UI thread, through `upgrade_in_event_loop`, to apply the queue.
    pub fn update_sink(&self) -> impl FnMut(Update) + Send + 'static {
        let sender = self.sender.clone();
        let weak = self.window.as_weak();
        move |update| {
            if sender.send(update).is_err() {
                return;
            }
            if let Err(error) = weak.upgrade_in_event_loop(|window| window.invoke_updates_pending())
            {
                tracing::warn!("cannot reach the UI thread: {error}");
            }
        }
    }

    /// Applies `update` at once; the caller is on the UI thread.
    pub fn apply(&self, update: Update) {
        apply_update(&self.window, &self.state, update);
    }

    /// Tells whether the attract cycle runs.
    pub fn attract_active(&self) -> bool {
        self.state.borrow().attract.is_active()
    }
}

fn connect_updates(window: &KioskWindow, state: &Rc<RefCell<State>>, receiver: Receiver<Update>) {
    let weak = window.as_weak();
    let state = Rc::clone(state);
    window.on_updates_pending(move || {
        let Some(window) = weak.upgrade() else {
            return;
        };
        // Only the newest snapshot matters; older queued ones are skipped.
        let mut latest = None;
        while let Ok(update) = receiver.try_recv() {
            match update {
                Update::Snapshot(_) => latest = Some(update),
                Update::Offline { .. } => {
                    if let Some(pending) = latest.take() {
                        apply_update(&window, &state, pending);
                    }
                    apply_update(&window, &state, update);
                }
            }
        }
        if let Some(update) = latest {
            apply_update(&window, &state, update);
        }
    });
}

fn apply_update(window: &KioskWindow, state: &Rc<RefCell<State>>, update: Update) {
    let mut state = state.borrow_mut();
    match update {
        Update::Snapshot(snapshot) => {
            state.snapshot = Some(snapshot);
            state.link = Link::Online;
            state.offline_reason = None;
            show_snapshot(window, &state);
            show_plan(window, &mut state);
        }
        Update::Offline { reason } => {
            state.link = Link::Offline;
            window.set_waiting_message(
                "Le serveur des résultats est injoignable pour le moment. Le kiosque réessaie tout seul."
                    .into(),
            );
            window.set_waiting_detail(reason.clone().into());
            state.offline_reason = Some(reason);
        }
    }
    refresh_stale_label(window, &state);
}

/// Decodes the snapshot's plan of the polling places when it changed and hands it to the
/// station screen. A plan that cannot be decoded is logged and not shown.
fn show_plan(window: &KioskWindow, state: &mut State) {
    let plan = state
        .snapshot
        .as_ref()
        .and_then(|snapshot| snapshot.plan.clone());
    let unchanged = match (&plan, &state.shown_plan) {
        (Some(new), Some(old)) => Arc::ptr_eq(new, old) || new == old,
        (None, None) => true,
        _ => false,
    };
    if unchanged {
        return;
    }
    let image = plan
        .as_deref()
        .and_then(|bytes| match view::plan_image(bytes) {
            Ok(image) => Some(image),
            Err(error) => {
                tracing::warn!(
                    bytes = bytes.len(),
                    "cannot decode the polling place plan: {error}"
                );
                None
            }
        });
    window.set_has_plan(image.is_some());
    window.set_plan(image.unwrap_or_default());
    state.shown_plan = plan;
}

fn show_snapshot(window: &KioskWindow, state: &State) {
    let Some(snapshot) = &state.snapshot else {
        window.set_has_data(false);
        return;
    };
    let results = &snapshot.results;
    let election = &results.election;
    window.set_commune(election.commune_name.clone().into());
    // The demo already ends its labels with « (simulation) », and one mention is enough.
    let label = if election.rehearsal && !election.label.to_lowercase().contains("simulation") {
        format!("SIMULATION · {}", election.label)
    } else {
        election.label.clone()
    };
    window.set_election(label.into());
    window.set_progress(results.commune.progress.label.clone().into());
    window.set_progress_ratio(format::ratio(
        u64::from(results.commune.progress.counted),
        u64::from(results.commune.progress.total),
    ));
    let data_time = match snapshot.data_time() {
        Some(time) => format!("Données de {}", format::clock(&time)),
        None => "Aucun chiffre saisi pour l'instant".to_string(),
    };
    window.set_data_time(data_time.into());
    window.set_commune_figures(view::model_of(view::area_figures(&results.commune)));
    window.set_commune_rows(view::model_of(view::commune_rows(snapshot)));
    window.set_has_race(snapshot.race.is_some());
    window.set_race_title(crate::race::title(snapshot).unwrap_or_default().into());
    window.set_race_figures(view::model_of(crate::race::figures(snapshot)));
    window.set_race_rows(view::model_of(crate::race::rows(snapshot)));
    window.set_stations(view::model_of(view::station_tiles(snapshot)));
    if let Some(detail) = state
        .selected_station
        .and_then(|index| view::station_detail(snapshot, index))
    {
        window.set_station_detail(detail);
    }
    window.set_turnout_slots(view::model_of(view::turnout_slots(snapshot)));
    window.set_turnout_note(view::turnout_note(snapshot).into());
    window.set_hundreds(view::model_of(view::hundred_blocks(snapshot)));
    match view::hemicycle(snapshot) {
        Some(hemicycle) => {
            window.set_has_seats(true);
            window.set_seats_label(hemicycle.label.into());
            window.set_seat_dots(view::model_of(hemicycle.dots));
            window.set_seat_dot_size(hemicycle.dot_size);
            window.set_seat_legend(view::model_of(hemicycle.legend));
        }
        None => {
            window.set_has_seats(false);
            if window.get_screen() == Screen::Seats {
                window.set_screen(Screen::Home);
            }
        }
    }
    window.set_has_data(true);
}

/// Sets the stamp that tells the data is not live, with its age.
fn refresh_stale_label(window: &KioskWindow, state: &State) {
    let label = match (&state.snapshot, state.link) {
        (Some(snapshot), Link::Starting | Link::Offline) => {
            let age = chrono::Utc::now()
                .signed_duration_since(snapshot.received_at)
                .to_std()
                .unwrap_or_default();
            let prefix = if state.link == Link::Offline {
                "Hors ligne"
            } else {
                "Données enregistrées"
            };
            format!("{prefix} · reçues {}", format::age(age))
        }
        _ => String::new(),
    };
    let label = SharedString::from(label);
    if window.get_stale_label() != label {
        window.set_stale_label(label);
    }
}

fn connect_touches(window: &KioskWindow, state: &Rc<RefCell<State>>) {
    let weak = window.as_weak();
    let state = Rc::clone(state);
    window.global::<Activity>().on_touched(move || {
        state.borrow_mut().attract.touch(Instant::now());
        if let Some(window) = weak.upgrade() {
            window.set_attract(false);
        }
    });
}

fn connect_station_selection(window: &KioskWindow, state: &Rc<RefCell<State>>) {
    let weak = window.as_weak();
    let state = Rc::clone(state);
    window.on_select_station(move |index| {
        let Some(window) = weak.upgrade() else {
            return;
        };
        let Ok(index) = usize::try_from(index) else {
            return;
        };
        let mut state = state.borrow_mut();
        let Some(detail) = state
            .snapshot
            .as_ref()
            .and_then(|snapshot| view::station_detail(snapshot, index))
        else {
            return;
        };
        state.selected_station = Some(index);
        window.set_station_detail(detail);
        window.set_screen(Screen::Station);
    });
}

/// Starts the timer that drives the attract mode and keeps the age stamp current.
fn start_clock(window: &KioskWindow, state: &Rc<RefCell<State>>) -> Timer {
    let timer = Timer::default();
    let weak = window.as_weak();
    let state = Rc::clone(state);
    timer.start(TimerMode::Repeated, Duration::from_millis(100), move || {
        let Some(window) = weak.upgrade() else {
            return;
        };
        let mut state = state.borrow_mut();
        refresh_stale_label(&window, &state);
        if state.snapshot.is_none() {
            return;
        }
        let mut cycle = vec![
            Screen::Home,
            Screen::Results,
            Screen::Turnout,
            Screen::Hundreds,
        ];
        if window.get_has_seats() {
            cycle.push(Screen::Seats);
        }
        if let Some(screen) = state.attract.tick(Instant::now(), &cycle) {
            window.set_attract(true);
            window.set_screen(screen);
        }
    });
    timer
}
