use super::*;

const SF2: &[u8] = include_bytes!("../../../../end2end/fixtures/test.sf2");
const RATE: u32 = 48_000;
const SQUARE: (u8, u8) = (0, 80);
const SINE: (u8, u8) = (0, 0);
const KIT: (u8, u8) = (128, 0);

fn band_with(fonts: &[FontId]) -> Band {
    let mut band = Band::new(RATE);
    for &font in fonts {
        band.load(font, SF2).unwrap();
    }
    band
}

/// `blocks` blocks of 128 frames from `from` on, the left channel.
fn render(band: &mut Band, from: u64, blocks: u64) -> Vec<f32> {
    (0..blocks)
        .flat_map(|block| band.render(from + block * 128, 128).0.to_vec())
        .collect()
}

fn loudest(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0, |peak, s| peak.max(s.abs()))
}

#[test]
fn every_player_gets_a_channel_of_their_own_fifteen_to_a_synthesizer() {
    let mut band = band_with(&[1]);
    for player in 0..20 {
        band.patch(0, player, 1, SQUARE.0, SQUARE.1);
    }
    let places: HashSet<Place> = band.seats.values().copied().collect();
    assert_eq!(places.len(), 20);
    assert!(places
        .iter()
        .all(|place| place.channel != PERCUSSION_CHANNEL));
    assert_eq!(band.synthesizers(1), 2);
}

#[test]
fn each_drum_kit_gets_a_percussion_channel_of_its_own() {
    let mut band = band_with(&[1]);
    band.patch(0, 1, 1, KIT.0, KIT.1);
    band.patch(0, 2, 1, KIT.0, KIT.1);
    band.patch(0, 3, 1, SQUARE.0, SQUARE.1);
    let kits: Vec<Place> = [1, 2].iter().map(|player| band.seats[player]).collect();
    assert!(kits.iter().all(|place| place.channel == PERCUSSION_CHANNEL));
    assert_ne!(kits[0].synthesizer, kits[1].synthesizer);
    // The melodic player sits beside the first kit.
    assert_eq!(band.seats[&3].synthesizer, kits[0].synthesizer);
}

#[test]
fn a_sixteenth_player_changes_no_one_elses_instrument() {
    let first_player_alone = {
        let mut band = band_with(&[1]);
        band.patch(0, 0, 1, SQUARE.0, SQUARE.1);
        band.midi(0, 0, NOTE_ON, 69, 100);
        render(&mut band, 0, 20)
    };
    let among_sixteen = {
        let mut band = band_with(&[1]);
        for player in 0..15 {
            band.patch(0, player, 1, SQUARE.0, SQUARE.1);
        }
        band.patch(0, 15, 1, SINE.0, SINE.1);
        band.midi(0, 0, NOTE_ON, 69, 100);
        render(&mut band, 0, 20)
    };
    assert!(loudest(&first_player_alone) > 0.01);
    assert_eq!(first_player_alone, among_sixteen);
}

#[test]
fn two_players_at_once_are_mixed() {
    let alone = |player: PlayerId, patch: (u8, u8), font: FontId| {
        let mut band = band_with(&[1, 2]);
        band.patch(0, player, font, patch.0, patch.1);
        band.midi(0, player, NOTE_ON, 69, 100);
        render(&mut band, 0, 10)
    };
    let square = alone(1, SQUARE, 1);
    let sine = alone(2, SINE, 2);
    let mut band = band_with(&[1, 2]);
    band.patch(0, 1, 1, SQUARE.0, SQUARE.1);
    band.patch(0, 2, 2, SINE.0, SINE.1);
    band.midi(0, 1, NOTE_ON, 69, 100);
    band.midi(0, 2, NOTE_ON, 69, 100);
    let both = render(&mut band, 0, 10);
    for ((both, square), sine) in both.iter().zip(&square).zip(&sine) {
        assert!((both - (square + sine)).abs() < 1e-6);
    }
}

#[test]
fn a_note_is_released_where_it_was_struck_after_a_change_of_instrument() {
    let mut band = band_with(&[1, 2]);
    band.patch(0, 7, 1, SQUARE.0, SQUARE.1);
    band.midi(0, 7, NOTE_ON, 69, 100);
    assert!(loudest(&render(&mut band, 0, 4)) > 0.01);
    // Another SoundFont from here on, then the key comes up: the square fades all the same.
    band.patch(512, 7, 2, SINE.0, SINE.1);
    band.midi(512, 7, NOTE_OFF, 69, 0);
    let tail = render(&mut band, 512, 400);
    assert_eq!(loudest(&tail[tail.len() - 128..]), 0.0);
    // Silent and left by everyone, the first SoundFont's synthesizer is dropped.
    assert_eq!(band.synthesizers(1), 0);
    assert_eq!(band.synthesizers(2), 1);
}

#[test]
fn unloading_a_soundfont_silences_and_forgets_its_players() {
    let mut band = band_with(&[1]);
    band.patch(0, 3, 1, SQUARE.0, SQUARE.1);
    band.unload(1);
    band.midi(0, 3, NOTE_ON, 69, 100);
    assert_eq!(loudest(&render(&mut band, 0, 4)), 0.0);
    assert!(band.seats.is_empty());
    // A patch naming a SoundFont that is not loaded seats no one.
    band.patch(0, 3, 1, SQUARE.0, SQUARE.1);
    assert!(band.seats.is_empty());
}

#[test]
fn a_refused_file_leaves_the_loaded_soundfont_playing() {
    let mut band = band_with(&[1]);
    band.patch(0, 3, 1, SQUARE.0, SQUARE.1);
    assert!(band.load(1, b"RIFF\x04\0\0\0WAVE").is_err());
    band.midi(0, 3, NOTE_ON, 69, 100);
    assert!(loudest(&render(&mut band, 0, 4)) > 0.01);
}
