// The SoundFont synthesizer's AudioWorklet: renders the module built from this crate
// (soundfont.wasm) in the audio thread. The page sends, over the node's port:
//   {type: 'module', bytes}            the compiled module's bytes (a worklet cannot fetch)
//   {type: 'load', font, bytes}        an .sf2 file, to be known as `font` (a number); answered
//                                      {type: 'loaded', font, presets} or {type: 'refused', font, reason}
//   {type: 'unload', font}             forget it
//   {type: 'patch', at, player, font, bank, program}   from audio time `at` (s) on, player
//                                      (a number) plays that preset of that SoundFont
//   {type: 'midi', at, player, status, data1, data2}   a player's MIDI message due at `at`
// Messages are handled in order, each after the previous one has finished.

class SoundFontProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.exports = null;
    this.loaded = false;
    let queue = Promise.resolve();
    this.port.onmessage = (event) => {
      queue = queue.then(() => this.receive(event.data)).catch((error) => {
        this.port.postMessage({ type: 'refused', font: event.data.font, reason: String(error) });
      });
    };
  }

  async receive(message) {
    const frame = (at) => Math.round(at * sampleRate);
    switch (message.type) {
      case 'module': {
        const { instance } = await WebAssembly.instantiate(message.bytes, {});
        this.exports = instance.exports;
        break;
      }
      case 'load': {
        const bytes = new Uint8Array(message.bytes);
        const at = this.exports.input_buffer(bytes.length);
        new Uint8Array(this.exports.memory.buffer, at, bytes.length).set(bytes);
        const loaded = this.exports.load(message.font, sampleRate) === 1;
        this.loaded ||= loaded;
        const text = this.text();
        this.port.postMessage(loaded
          ? { type: 'loaded', font: message.font, presets: text }
          : { type: 'refused', font: message.font, reason: text });
        break;
      }
      case 'unload':
        this.exports.unload(message.font);
        break;
      case 'patch':
        this.exports.patch(frame(message.at), message.player, message.font, message.bank, message.program);
        break;
      case 'midi':
        this.exports.midi(frame(message.at), message.player, message.status, message.data1, message.data2);
        break;
    }
  }

  /** The module's last answer: ASCII, so no TextDecoder is needed. */
  text() {
    const bytes = new Uint8Array(this.exports.memory.buffer, this.exports.text_pointer(), this.exports.text_length());
    return String.fromCharCode(...bytes);
  }

  process(_inputs, outputs) {
    if (!this.loaded) return true;
    const [left, right] = outputs[0];
    const frames = left.length;
    const at = this.exports.render(currentFrame, frames);
    // The module's memory may have grown since the last block: view it afresh.
    const rendered = new Float32Array(this.exports.memory.buffer, at, frames * 2);
    left.set(rendered.subarray(0, frames));
    right?.set(rendered.subarray(frames));
    return true;
  }
}

registerProcessor('soundfont', SoundFontProcessor);
