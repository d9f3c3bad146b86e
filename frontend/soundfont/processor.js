// The SoundFont synthesizer's AudioWorklet: renders the module built from this crate
// (soundfont.wasm) in the audio thread. The page sends, over the node's port:
//   {type: 'module', bytes}      the compiled module's bytes (a worklet cannot fetch)
//   {type: 'soundfont', bytes}   an .sf2 file; answered {type: 'loaded', presets} or
//                                {type: 'refused', reason}
//   {type: 'midi', at, status, data1, data2}   a MIDI message due at audio time `at` (s)
// Messages are handled in order, each after the previous one has finished.

class SoundFontProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.exports = null;
    this.loaded = false;
    let queue = Promise.resolve();
    this.port.onmessage = (event) => {
      queue = queue.then(() => this.receive(event.data)).catch((error) => {
        this.port.postMessage({ type: 'refused', reason: String(error) });
      });
    };
  }

  async receive(message) {
    switch (message.type) {
      case 'module': {
        const { instance } = await WebAssembly.instantiate(message.bytes, {});
        this.exports = instance.exports;
        break;
      }
      case 'soundfont': {
        const bytes = new Uint8Array(message.bytes);
        const at = this.exports.input_buffer(bytes.length);
        new Uint8Array(this.exports.memory.buffer, at, bytes.length).set(bytes);
        this.loaded = this.exports.load(sampleRate) === 1;
        const text = this.text();
        this.port.postMessage(this.loaded ? { type: 'loaded', presets: text } : { type: 'refused', reason: text });
        break;
      }
      case 'midi':
        if (this.loaded) {
          this.exports.schedule(Math.round(message.at * sampleRate), message.status, message.data1, message.data2);
        }
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
