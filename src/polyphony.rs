//! The polyphony cap: how many voices may sound at once, and which one gives way when a new
//! note would go over the limit.
//!
//! A room of ten players each playing a dense piece with the pedal down can ask for thousands
//! of voices; the audio thread renders only so many before it misses its deadline and the sound
//! drops out. So a page keeps at most `limit` voices, and a new note steals the one that is
//! heard least: a released or pedal-free voice fading away before a held one, the quietest
//! first (its strike's velocity, faded with the time it has rung), the oldest on a tie. The
//! estimate of loudness is rough on purpose: it only has to order voices, and it must cost
//! nothing per note.
//!
//! Times are in seconds on the audio clock, passed in, so the rule is tested without one.

/// How a voice's loudness fades, for ordering voices: an exponential decay while it rings and
/// a much faster one once released.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fading {
    /// Time constant of a held note's decay, in seconds (a piano string rings for seconds).
    pub ringing: f64,
    /// Time constant once the key is released and the damper falls, in seconds.
    pub released: f64,
}

/// What the cap knows of one voice.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Sounding<Id> {
    /// Who owns the voice, to release or steal it.
    id: Id,
    /// When it started, on the audio clock.
    started: f64,
    /// How hard it was struck (1–127): the loudness it starts from.
    velocity: u8,
    /// When its key came up and nothing held it, if it has.
    released: Option<f64>,
}

/// The voices sounding on one page, up to a limit.
#[derive(Clone, Debug)]
pub struct Polyphony<Id> {
    /// At most this many voices sound at once.
    limit: usize,
    /// How loudness fades, to find the quietest voice.
    fading: Fading,
    /// The voices sounding, in the order they started.
    voices: Vec<Sounding<Id>>,
}

impl<Id: Copy + PartialEq> Polyphony<Id> {
    pub fn new(limit: usize, fading: Fading) -> Self {
        Self {
            limit: limit.max(1),
            fading,
            voices: Vec::with_capacity(limit),
        }
    }

    /// A voice `id` starts at `now`, struck at `velocity`; returns the voices it displaces (to
    /// be silenced quickly), so that no more than the limit sound.
    pub fn start(&mut self, id: Id, velocity: u8, now: f64) -> Vec<Id> {
        self.end(id);
        let mut stolen = Vec::new();
        while self.voices.len() >= self.limit {
            let Some(index) = self.least_heard(now) else {
                break;
            };
            stolen.push(self.voices.remove(index).id);
        }
        self.voices.push(Sounding {
            id,
            started: now,
            velocity: velocity.max(1),
            released: None,
        });
        stolen
    }

    /// The voice's key came up (and no pedal holds it) at `now`: it fades and is stolen first.
    pub fn release(&mut self, id: Id, now: f64) {
        if let Some(voice) = self.voices.iter_mut().find(|voice| voice.id == id) {
            voice.released.get_or_insert(now);
        }
    }

    /// The voice stopped sounding by itself or was silenced: it no longer counts.
    pub fn end(&mut self, id: Id) {
        self.voices.retain(|voice| voice.id != id);
    }

    /// Forgets the voices that have faded below hearing by `now` (released long enough ago),
    /// returning them.
    pub fn faded(&mut self, now: f64) -> Vec<Id> {
        let gone = |voice: &Sounding<Id>| {
            voice
                .released
                .is_some_and(|at| now - at > self.fading.released * SILENT_AFTER)
        };
        let faded = self
            .voices
            .iter()
            .filter(|v| gone(v))
            .map(|v| v.id)
            .collect();
        self.voices.retain(|voice| !gone(voice));
        faded
    }

    /// How many voices sound.
    pub fn len(&self) -> usize {
        self.voices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.voices.is_empty()
    }

    /// The index of the voice heard least at `now`: the quietest, the oldest on a tie.
    fn least_heard(&self, now: f64) -> Option<usize> {
        self.voices
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| {
                self.loudness(a, now)
                    .total_cmp(&self.loudness(b, now))
                    .then(a.started.total_cmp(&b.started))
            })
            .map(|(index, _)| index)
    }

    /// A rough loudness (0–1) of `voice` at `now`.
    fn loudness(&self, voice: &Sounding<Id>, now: f64) -> f64 {
        let strike = f64::from(voice.velocity) / 127.0;
        let rung = (now - voice.started).max(0.0);
        let ringing = (-rung / self.fading.ringing).exp();
        let damped = voice.released.map_or(1.0, |at| {
            (-(now - at).max(0.0) / self.fading.released).exp()
        });
        strike * ringing * damped
    }
}

/// A released voice counts as silent after this many of its release time constants
/// (e^-8: about -70 dB).
const SILENT_AFTER: f64 = 8.0;

#[cfg(test)]
mod tests {
    use super::*;

    const FADING: Fading = Fading {
        ringing: 3.0,
        released: 0.1,
    };

    #[test]
    fn under_the_limit_nothing_is_stolen() {
        let mut voices = Polyphony::new(3, FADING);
        assert!(voices.start(1, 100, 0.0).is_empty());
        assert!(voices.start(2, 100, 0.1).is_empty());
        assert!(voices.start(3, 100, 0.2).is_empty());
        assert_eq!(voices.len(), 3);
    }

    #[test]
    fn the_oldest_of_equal_voices_gives_way() {
        let mut voices = Polyphony::new(2, FADING);
        voices.start(1, 100, 0.0);
        voices.start(2, 100, 0.5);
        assert_eq!(voices.start(3, 100, 1.0), vec![1]);
        assert_eq!(voices.start(4, 100, 1.5), vec![2]);
        assert_eq!(voices.len(), 2);
    }

    #[test]
    fn a_quiet_voice_gives_way_before_an_older_loud_one() {
        let mut voices = Polyphony::new(2, FADING);
        voices.start(1, 120, 0.0);
        voices.start(2, 20, 0.5);
        assert_eq!(voices.start(3, 90, 1.0), vec![2]);
    }

    #[test]
    fn a_released_voice_gives_way_before_held_ones() {
        let mut voices = Polyphony::new(3, FADING);
        voices.start(1, 60, 0.0);
        voices.start(2, 127, 0.1);
        voices.start(3, 60, 0.2);
        voices.release(2, 0.3);
        assert_eq!(voices.start(4, 60, 0.5), vec![2]);
    }

    #[test]
    fn a_key_struck_again_replaces_its_voice_without_stealing() {
        let mut voices = Polyphony::new(2, FADING);
        voices.start(1, 100, 0.0);
        voices.start(2, 100, 0.1);
        assert!(voices.start(2, 100, 0.2).is_empty());
        assert_eq!(voices.len(), 2);
    }

    #[test]
    fn released_voices_fade_out_of_the_count() {
        let mut voices = Polyphony::new(4, FADING);
        voices.start(1, 100, 0.0);
        voices.start(2, 100, 0.0);
        voices.release(1, 1.0);
        assert!(voices.faded(1.5).is_empty());
        assert_eq!(voices.faded(1.9), vec![1]);
        assert_eq!(voices.len(), 1);
    }

    #[test]
    fn a_thousand_notes_a_second_never_exceed_the_limit() {
        let mut voices = Polyphony::new(64, FADING);
        let mut sounding = 0usize;
        for i in 0..10_000u32 {
            let now = f64::from(i) / 1000.0;
            let stolen = voices.start(i, (i % 127) as u8, now);
            sounding = sounding + 1 - stolen.len();
            if i % 3 == 0 {
                voices.release(i, now + 0.05);
            }
            sounding -= voices.faded(now).len();
            assert!(voices.len() <= 64);
            assert_eq!(voices.len(), sounding);
        }
    }

    #[test]
    fn ending_an_unknown_voice_is_harmless() {
        let mut voices: Polyphony<u32> = Polyphony::new(2, FADING);
        voices.end(7);
        voices.release(7, 1.0);
        assert!(voices.is_empty());
    }
}
