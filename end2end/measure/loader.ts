// The `loadtest` crate's bots, driven from a measurement: built once (release, in the shared
// target folder scripts/env.sh names), then started against the test server.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

/** Builds the loader if it is not up to date; slow only the first time. */
export function buildLoader() {
  execFileSync('bash', ['-c', 'source scripts/env.sh && cargo build --release -p loadtest'], { cwd: REPO, stdio: 'inherit' });
}

export type Loader = {
  /** Resolves once a line of the loader's stderr matches `pattern`. */
  waitFor: (pattern: RegExp) => Promise<void>;
  /** Tells a loader started with `--start-on-stdin` to open its window. */
  start: () => void;
  /** Its JSON report, once it has exited successfully. */
  report: () => Promise<Record<string, any>>;
  stop: () => void;
};

/** Starts `cargo run --release -p loadtest -- <args>`; its stderr goes to ours as it comes. */
export function startLoader(args: string[]): Loader {
  const child: ChildProcess = spawn('bash', ['-c', 'source scripts/env.sh && exec cargo run -q --release -p loadtest -- "$@"', 'loadtest', ...args], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopping it stops cargo and the loader alike
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => {
    process.stderr.write(chunk);
    stderr += chunk;
    for (const wait of [...waiting]) {
      if (wait.pattern.test(stderr)) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve();
      }
    }
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    waitFor: (pattern) => new Promise<void>((resolve, reject) => {
      if (pattern.test(stderr)) return resolve();
      waiting.push({ pattern, resolve });
      exited.then((code) => reject(new Error(`the loader exited (${code}) before printing ${pattern}:\n${stderr}`)));
    }),
    start: () => child.stdin!.write('go\n'),
    report: async () => {
      const code = await exited;
      if (code !== 0) throw new Error(`the loader failed (${code}):\n${stderr}`);
      return JSON.parse(stdout.trim().split('\n').pop()!);
    },
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    },
  };
}
