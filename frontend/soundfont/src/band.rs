//! Everyone heard through SoundFonts: several SoundFonts loaded at once (the built-in
//! instruments, one file each, and a player's own), each played by as many synthesizers as its
//! players need, so that every player has a channel of their own however many play at once:
//! up to 15 melodic players and one percussion kit (General MIDI's channel 10) per
//! synthesizer. A synthesizer nobody sits at is dropped once it has fallen silent.
//!
//! Players are numbers the page gives; a note sounds, and is released, where it was struck,
//! so a player who changes instrument while notes ring does not leave them hanging.

use std::collections::{HashMap, HashSet};

use crate::{
    font::{Font, Preset},
    player::Player,
};

/// The page's name for a loaded SoundFont.
pub type FontId = u32;
/// The page's name for a player.
pub type PlayerId = u32;

const CHANNELS: u8 = 16;
/// General MIDI's channel 10, where synthesizers play the percussion bank.
const PERCUSSION_CHANNEL: u8 = 9;
const PERCUSSION_BANK: u8 = 128;
const NOTE_OFF: u8 = 0x80;
const NOTE_ON: u8 = 0x90;
const CONTROL_CHANGE: u8 = 0xB0;
const PROGRAM_CHANGE: u8 = 0xC0;
const BANK_SELECT: u8 = 0;
const SUSTAIN_PEDAL: u8 = 64;

/// A channel of a synthesizer of a SoundFont.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Place {
    font: FontId,
    /// Which of the font's synthesizers.
    synthesizer: usize,
    channel: u8,
}

/// A loaded SoundFont and the synthesizers playing it.
struct Loaded {
    font: Font,
    /// By number; `None` where a synthesizer was dropped (its number is given out again).
    synthesizers: Vec<Option<Player>>,
}

pub struct Band {
    /// The device's rate, for every synthesizer.
    sample_rate: u32,
    fonts: HashMap<FontId, Loaded>,
    /// Where each player plays from now on.
    seats: HashMap<PlayerId, Place>,
    /// Where each sounding note was struck: its note off goes there.
    struck: HashMap<(PlayerId, u8), Place>,
    /// The last rendered block, every synthesizer mixed.
    left: Vec<f32>,
    right: Vec<f32>,
}

impl Band {
    pub fn new(sample_rate: u32) -> Self {
        Self {
            sample_rate,
            fonts: HashMap::new(),
            seats: HashMap::new(),
            struck: HashMap::new(),
            left: Vec::new(),
            right: Vec::new(),
        }
    }

    /// Reads a SoundFont as `font` (replacing any font of that id); its presets.
    pub fn load(&mut self, font: FontId, sf2: &[u8]) -> Result<&[Preset], String> {
        let read = Font::read(sf2)?;
        // A synthesizer at once: a font that cannot be played is refused now, not later.
        let first = Player::new(&read.sound_font, self.sample_rate)?;
        self.unload(font);
        let loaded = self.fonts.entry(font).or_insert(Loaded {
            font: read,
            synthesizers: vec![Some(first)],
        });
        Ok(&loaded.font.presets)
    }

    /// Forgets `font`, its synthesizers and whoever played it.
    pub fn unload(&mut self, font: FontId) {
        self.fonts.remove(&font);
        self.seats.retain(|_, place| place.font != font);
        self.struck.retain(|_, place| place.font != font);
    }

    /// `player` plays `font`'s preset `bank`/`program` from `frame` on.
    pub fn patch(&mut self, frame: u64, player: PlayerId, font: FontId, bank: u8, program: u8) {
        let percussion = bank == PERCUSSION_BANK;
        let current = self.seats.get(&player).copied();
        let place = match current {
            Some(place)
                if place.font == font && (place.channel == PERCUSSION_CHANNEL) == percussion =>
            {
                place
            }
            _ => {
                if let Some(left) = current {
                    // The pedal held there is let go: whoever sits there next starts afresh.
                    self.seats.remove(&player);
                    self.send(left, frame, CONTROL_CHANGE, SUSTAIN_PEDAL, 0);
                }
                let Some(place) = self.free_place(font, percussion) else {
                    return;
                };
                place
            }
        };
        self.seats.insert(player, place);
        // On the percussion channel the synthesizer adds 128 to the bank itself.
        let bank_select = if percussion { 0 } else { bank };
        self.send(place, frame, CONTROL_CHANGE, BANK_SELECT, bank_select);
        self.send(place, frame, PROGRAM_CHANGE, program, 0);
    }

    /// A MIDI message of `player`'s (its channel is ignored: the player's place decides).
    pub fn midi(&mut self, frame: u64, player: PlayerId, status: u8, data1: u8, data2: u8) {
        let command = status & 0xF0;
        let seat = self.seats.get(&player).copied();
        match command {
            NOTE_ON if data2 > 0 => {
                let Some(place) = seat else { return };
                if let Some(before) = self.struck.insert((player, data1), place) {
                    if before != place {
                        self.send(before, frame, NOTE_OFF, data1, 0);
                    }
                }
                self.send(place, frame, NOTE_ON, data1, data2);
            }
            NOTE_ON | NOTE_OFF => {
                if let Some(place) = self.struck.remove(&(player, data1)).or(seat) {
                    self.send(place, frame, NOTE_OFF, data1, 0);
                }
            }
            _ => {
                // Controllers (the pedal) reach every place the player's notes sound at too.
                let places: HashSet<Place> = seat
                    .into_iter()
                    .chain(
                        self.struck
                            .iter()
                            .filter(|((owner, _), _)| *owner == player)
                            .map(|(_, place)| *place),
                    )
                    .collect();
                for place in places {
                    self.send(place, frame, command, data1, data2);
                }
            }
        }
    }

    /// Renders `frames` samples from `first_frame` on, every synthesizer mixed: left, right.
    pub fn render(&mut self, first_frame: u64, frames: usize) -> (&[f32], &[f32]) {
        let Self {
            fonts,
            seats,
            struck,
            left,
            right,
            ..
        } = self;
        left.clear();
        left.resize(frames, 0.0);
        right.clear();
        right.resize(frames, 0.0);
        let in_use: HashSet<(FontId, usize)> = seats
            .values()
            .chain(struck.values())
            .map(|place| (place.font, place.synthesizer))
            .collect();
        for (&id, loaded) in fonts.iter_mut() {
            for (number, slot) in loaded.synthesizers.iter_mut().enumerate() {
                let Some(synthesizer) = slot else { continue };
                let (block_left, block_right) = synthesizer.render(first_frame, frames);
                let mut silent = true;
                for (mixed, sample) in left.iter_mut().zip(block_left) {
                    *mixed += sample;
                    silent &= *sample == 0.0;
                }
                for (mixed, sample) in right.iter_mut().zip(block_right) {
                    *mixed += sample;
                    silent &= *sample == 0.0;
                }
                if silent && !synthesizer.has_waiting() && !in_use.contains(&(id, number)) {
                    *slot = None;
                }
            }
        }
        (left, right)
    }

    /// How many synthesizers play `font`.
    pub fn synthesizers(&self, font: FontId) -> usize {
        self.fonts
            .get(&font)
            .map_or(0, |loaded| loaded.synthesizers.iter().flatten().count())
    }

    /// A channel of `font` nobody sits at, of the kind asked for: on the first synthesizer with
    /// one, else on a new one.
    fn free_place(&mut self, font: FontId, percussion: bool) -> Option<Place> {
        let taken: HashSet<(usize, u8)> = self
            .seats
            .values()
            .filter(|place| place.font == font)
            .map(|place| (place.synthesizer, place.channel))
            .collect();
        let loaded = self.fonts.get_mut(&font)?;
        let channels: Vec<u8> = if percussion {
            vec![PERCUSSION_CHANNEL]
        } else {
            (0..CHANNELS)
                .filter(|&channel| channel != PERCUSSION_CHANNEL)
                .collect()
        };
        let place = |synthesizer: usize, channel: u8| Place {
            font,
            synthesizer,
            channel,
        };
        for (number, slot) in loaded.synthesizers.iter().enumerate() {
            if slot.is_some() {
                if let Some(&channel) = channels.iter().find(|&&c| !taken.contains(&(number, c))) {
                    return Some(place(number, channel));
                }
            }
        }
        let new = Player::new(&loaded.font.sound_font, self.sample_rate).ok()?;
        let number = match loaded.synthesizers.iter().position(Option::is_none) {
            Some(number) => {
                loaded.synthesizers[number] = Some(new);
                number
            }
            None => {
                loaded.synthesizers.push(Some(new));
                loaded.synthesizers.len() - 1
            }
        };
        Some(place(number, channels[0]))
    }

    fn send(&mut self, place: Place, frame: u64, command: u8, data1: u8, data2: u8) {
        let synthesizer = self
            .fonts
            .get_mut(&place.font)
            .and_then(|loaded| loaded.synthesizers.get_mut(place.synthesizer))
            .and_then(Option::as_mut);
        if let Some(synthesizer) = synthesizer {
            synthesizer.schedule(frame, command | place.channel, data1, data2);
        }
    }
}

#[cfg(test)]
mod tests;
