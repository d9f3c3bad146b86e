import { expect, test } from './fixtures';
import { createRoom, newPlayer } from './helpers';

// The latency a player is shown is what they hear: the playout delay of the other players'
// notes plus the audio output's own latency, which the page asks for as low as the device
// allows ("interactive").

test('the latency figure includes the audio output latency', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Latency');
  // The first gesture (creating the room) started the audio; this device's output latency,
  // as an interactive context sees it:
  const expected = await alice.evaluate(async () => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    await context.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ms = (context.baseLatency + (context.outputLatency ?? 0)) * 1000;
    await context.close();
    return Math.round(ms);
  });
  expect(expected).toBeGreaterThan(0);
  const figure = alice.locator('.room-header .latency');
  await expect(figure).toHaveAttribute('data-audio-ms', String(expected));
  const playout = Number(await figure.getAttribute('data-playout-ms'));
  await expect(figure).toContainText(`Latency ${playout + expected} ms`);
});
