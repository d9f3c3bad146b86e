//! One synthesizer playing a SoundFont, fed MIDI messages stamped with the audio frame at
//! which each must take effect. Rendering a block applies each message at its own frame
//! within the block, so a note keeps the timing the room gave it, not the block's.

use std::sync::Arc;

use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};

/// A MIDI message (status with its channel, two data bytes) due at `frame`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scheduled {
    frame: u64,
    status: u8,
    data1: u8,
    data2: u8,
}

/// Messages waiting for their frame; more than this and the oldest are applied at once.
const MAX_WAITING: usize = 4096;
/// The synthesizer's own block, in frames: a message takes effect at the first block boundary
/// after its frame, so this is the timing's resolution (0.33 ms at 48 kHz).
pub const BLOCK: usize = 16;
/// The most notes one synthesizer sounds at once (its 16 channels together): past it, the
/// synthesizer ends the oldest. It bounds the audio thread's work per synthesizer.
pub const POLYPHONY: usize = 64;

pub struct Player {
    synthesizer: Synthesizer,
    /// Messages not yet applied, in the order of their frames (equal frames: as received).
    waiting: Vec<Scheduled>,
    /// The frame the next rendered sample belongs to.
    next_frame: u64,
    left: Vec<f32>,
    right: Vec<f32>,
}

impl Player {
    /// A synthesizer playing `sound_font` on a device running at `sample_rate`.
    pub fn new(sound_font: &Arc<SoundFont>, sample_rate: u32) -> Result<Self, String> {
        let rate = i32::try_from(sample_rate).map_err(|_| "impossible sample rate".to_owned())?;
        let mut settings = SynthesizerSettings::new(rate);
        settings.block_size = BLOCK;
        settings.maximum_polyphony = POLYPHONY;
        // Dry: the room's notes stay distinct, and the audio thread has less to do.
        settings.enable_reverb_and_chorus = false;
        let synthesizer = Synthesizer::new(sound_font, &settings)
            .map_err(|error| format!("the SoundFont cannot be played: {error:?}"))?;
        Ok(Self {
            synthesizer,
            waiting: Vec::new(),
            next_frame: 0,
            left: Vec::new(),
            right: Vec::new(),
        })
    }

    /// Whether messages wait to be applied.
    pub fn has_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Applies a MIDI message at `frame` (a past frame: at the start of the next block).
    pub fn schedule(&mut self, frame: u64, status: u8, data1: u8, data2: u8) {
        if self.waiting.len() >= MAX_WAITING {
            let oldest = self.waiting.remove(0);
            self.apply(oldest);
        }
        let message = Scheduled {
            frame,
            status,
            data1,
            data2,
        };
        let at = self
            .waiting
            .partition_point(|waiting| waiting.frame <= frame);
        self.waiting.insert(at, message);
    }

    /// Renders `frames` samples from `first_frame` on: left channel, then right.
    pub fn render(&mut self, first_frame: u64, frames: usize) -> (&[f32], &[f32]) {
        self.next_frame = first_frame;
        self.left.resize(frames, 0.0);
        self.right.resize(frames, 0.0);
        let end = first_frame + frames as u64;
        let mut done = 0;
        while done < frames {
            let due = self
                .waiting
                .first()
                .map_or(end, |next| next.frame.clamp(self.next_frame, end));
            let until = (due - first_frame) as usize;
            if until > done {
                self.synthesizer
                    .render(&mut self.left[done..until], &mut self.right[done..until]);
                done = until;
                self.next_frame = first_frame + done as u64;
            }
            while let Some(next) = self.waiting.first() {
                if next.frame > self.next_frame || done == frames && next.frame >= end {
                    break;
                }
                let message = self.waiting.remove(0);
                self.apply(message);
            }
        }
        self.next_frame = end;
        (&self.left, &self.right)
    }

    fn apply(&mut self, message: Scheduled) {
        self.synthesizer.process_midi_message(
            i32::from(message.status & 0x0F),
            i32::from(message.status & 0xF0),
            i32::from(message.data1),
            i32::from(message.data2),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::Font;

    const SF2: &[u8] = include_bytes!("../../../end2end/fixtures/test.sf2");
    const RATE: u32 = 48_000;

    fn player() -> Player {
        Player::new(&Font::read(SF2).unwrap().sound_font, RATE).unwrap()
    }

    fn loudest(samples: &[f32]) -> f32 {
        samples.iter().fold(0.0, |peak, s| peak.max(s.abs()))
    }

    /// The first frame whose sample is audible.
    fn onset(samples: &[f32]) -> Option<usize> {
        samples.iter().position(|s| s.abs() > 1e-4)
    }

    /// A player on the square preset (audible from its first sample; a sine starts at zero).
    fn square_player() -> Player {
        let mut player = player();
        player.schedule(0, 0xC0, 80, 0);
        player
    }

    /// The frame a note due at `due` is first heard at, rendering blocks of 128 from frame 0;
    /// `late` schedules it only once the block it is due in has been rendered.
    fn heard_at(due: u64, late: bool) -> usize {
        let mut player = square_player();
        if !late {
            player.schedule(due, 0x90, 69, 100);
        }
        let mut rendered = Vec::new();
        for block in 0..16u64 {
            if late && block * 128 > due {
                player.schedule(due, 0x90, 69, 100);
            }
            rendered.extend_from_slice(player.render(block * 128, 128).0);
        }
        onset(&rendered).expect("the note is heard")
    }

    #[test]
    fn a_note_sounds_from_its_own_frame_not_its_block() {
        // The synthesizer's attack takes a moment: what matters is that 37 frames later
        // sounds 37 frames later, to the synthesizer's block.
        let on_the_block = heard_at(128, false);
        let inside_the_block = heard_at(128 + 37, false);
        let shift = inside_the_block - on_the_block;
        assert!((37..37 + BLOCK).contains(&shift), "{shift}");
    }

    #[test]
    fn a_late_message_plays_at_the_start_of_the_next_block() {
        assert_eq!(heard_at(300, true), heard_at(384, false));
    }

    #[test]
    fn silent_until_a_note_then_fading_after_its_note_off() {
        let mut player = square_player();
        assert_eq!(loudest(player.render(0, 128).0), 0.0);
        player.schedule(128, 0x90, 69, 100);
        let (left, right) = player.render(128, 128);
        assert!(loudest(left) > 0.01 && loudest(right) > 0.01);
        player.schedule(256, 0x80, 69, 0);
        // It fades out after the note off instead of stopping dead, then is silent.
        let mut tail = Vec::new();
        for block in 0..200u64 {
            tail.extend_from_slice(player.render(256 + block * 128, 128).0);
        }
        assert!(loudest(&tail[..128]) > 0.0);
        assert_eq!(loudest(&tail[tail.len() - 128..]), 0.0);
    }

    #[test]
    fn program_changes_pick_another_preset_on_that_channel_only() {
        let render_note = |setup: &[(u8, u8, u8)]| {
            let mut player = player();
            for &(status, data1, data2) in setup {
                player.schedule(0, status, data1, data2);
            }
            player.schedule(0, 0x90 | (setup.first().map_or(0, |m| m.0 & 0x0F)), 69, 127);
            player.render(0, 4800).0.to_vec()
        };
        let sine = render_note(&[]);
        let square = render_note(&[(0xB0, 0, 0), (0xC0, 80, 0)]);
        let square_on_channel_two = render_note(&[(0xB1, 0, 0), (0xC1, 80, 0)]);
        assert_ne!(sine, square);
        assert_eq!(square, square_on_channel_two);
        // A square wave spends most of its time on its plateau, a sine little near any level:
        // the share of samples within 10% of the median loudness tells them apart.
        let plateau = |wave: &[f32]| {
            let mut levels: Vec<f32> = wave.iter().map(|s| s.abs()).collect();
            levels.sort_by(f32::total_cmp);
            let median = levels[levels.len() / 2];
            let near = levels.iter().filter(|l| (*l - median).abs() < 0.1 * median);
            near.count() as f32 / levels.len() as f32
        };
        let (sine, square) = (plateau(&sine[2400..]), plateau(&square[2400..]));
        assert!(sine < 0.3 && square > 0.6, "sine {sine}, square {square}");
    }

    #[test]
    fn messages_keep_their_order_and_a_flood_is_bounded() {
        let mut player = player();
        // On, off and on again at one frame apply in that order: the note sounds.
        player.schedule(50, 0x90, 69, 100);
        player.schedule(50, 0x80, 69, 0);
        player.schedule(50, 0x90, 69, 100);
        assert!(loudest(player.render(0, 128).0) > 0.0);
        for n in 0..(MAX_WAITING as u64 * 2) {
            player.schedule(1_000_000 + n, 0x90, 60, 1);
        }
        assert!(player.waiting.len() <= MAX_WAITING);
    }
}
