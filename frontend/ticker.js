// The sheet player's clock (app/src/browser/ticker.rs), run in a dedicated worker: a hidden
// page's own timers are slowed to once a second or less, a worker's keep their pace. The page
// posts the period in ms (0 stops); every period the worker posts an empty message.
let timer;
onmessage = ({ data: periodMs }) => {
  clearInterval(timer);
  timer = periodMs > 0 ? setInterval(() => postMessage(null), periodMs) : undefined;
};
