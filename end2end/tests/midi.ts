import { writeMidi } from 'midi-file';

/** One note of a test file: its key, start and length in ms, and its MIDI channel (0–15). */
export type FileNote = { key: number; at: number; length: number; channel?: number; velocity?: number };

/** A track of a test file: its name (a Track Name event) and its notes. */
export type FileTrack = { name?: string; notes: FileNote[] };

/** 500 ticks a quarter note at 120 bpm: a tick is a millisecond. */
const TICKS_PER_QUARTER = 500;

/** A format 1 Standard MIDI File of `tracks`, written by npm's midi-file. */
export function midiFile(tracks: FileTrack[]): Buffer {
  const written = tracks.map((track) => {
    const events: Array<{ at: number; order: number; event: any }> = [];
    if (track.name) events.push({ at: 0, order: 0, event: { type: 'trackName', text: track.name } });
    for (const note of track.notes) {
      const channel = note.channel ?? 0;
      events.push({ at: note.at, order: 2, event: { type: 'noteOn', channel, noteNumber: note.key, velocity: note.velocity ?? 90 } });
      // At the same tick a note ends before the next starts.
      events.push({ at: note.at + note.length, order: 1, event: { type: 'noteOff', channel, noteNumber: note.key, velocity: 0 } });
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order);
    let previous = 0;
    const track_events = events.map(({ at, event }) => {
      const deltaTime = Math.round(at) - previous;
      previous = Math.round(at);
      return { deltaTime, ...event };
    });
    track_events.push({ deltaTime: 0, type: 'endOfTrack' });
    return track_events;
  });
  const tempo = [{ deltaTime: 0, type: 'setTempo', microsecondsPerBeat: 500_000 }, { deltaTime: 0, type: 'endOfTrack' }];
  return Buffer.from(writeMidi({
    header: { format: 1, numTracks: written.length + 1, ticksPerBeat: TICKS_PER_QUARTER },
    tracks: [tempo, ...written],
  } as any));
}

/** The note-ons of the chosen tracks, in the order they sound (then by key), as the room hears them. */
export function noteOnsOf(tracks: FileTrack[]): FileNote[] {
  return tracks.flatMap((track) => track.notes).sort((a, b) => a.at - b.at || a.key - b.key);
}
