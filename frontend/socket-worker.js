// The page's WebSocket, held in a worker of its own so that every frame is stamped the moment
// it arrives. On the page's main thread a frame waits while the page lays out, draws or
// decodes; stamped there, that wait looked like network jitter and pushed the playout delay
// up. Here the thread does nothing else. Frames go to the page as they came, with the
// wall-clock time (ms) they arrived at; the page's messages go out as they are handed over.
//
// From the page: {open: url} | {send: ArrayBuffer} | {close: true}.
// To the page:   {opened: true} | {frame: ArrayBuffer, at: ms} | {closed: true}.
'use strict';

let socket = null;

function open(url) {
  if (socket) {
    // A new connection replaces the old one, which says nothing more.
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.close();
  }
  const opened = new WebSocket(url);
  opened.binaryType = 'arraybuffer';
  opened.onopen = () => postMessage({ opened: true });
  opened.onmessage = (event) => {
    const at = performance.timeOrigin + performance.now();
    if (event.data instanceof ArrayBuffer) postMessage({ frame: event.data, at }, [event.data]);
  };
  opened.onclose = () => {
    if (socket === opened) socket = null;
    postMessage({ closed: true });
  };
  socket = opened;
}

onmessage = ({ data }) => {
  if (data.open) open(data.open);
  else if (data.send) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(data.send);
  } else if (data.close && socket) socket.close();
};
