// Lore's sync workload on automerge-repo, beside `lore-bench sync`: a new member
// receiving the library, a reconnect with nothing changed, and one edit. Peer A (this
// thread) and peer B (a worker thread: each peer has its own JavaScript thread and
// heap, as on two machines) talk over a real WebSocket on 127.0.0.1. See README.md.
//
//   node compare.mjs --corpus FILE [--json]
//
// FILE: a JSON array of {id, kind, title, body, questions, category, tags}, one document each.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import {
  WebSocketClientAdapter,
  WebSocketServerAdapter,
} from "@automerge/automerge-repo-network-websocket";
import { next as Automerge } from "@automerge/automerge";

const QUIET_MS = 200; // no message for this long, with both peers idle = settled
const BEAT_MS = 5; // each thread looks at how busy it was this often
const BUSY = 0.5; // a thread busier than this over BEAT_MS is working, not idle
const LATE_MS = 25; // B not checking in for this long is working too (one long task)
const FIND_BATCH = 100; // B lets its event loop run between this many find() calls
const NEW_MEMBER_TIMEOUT_MS = 10 * 60_000;
const TIMEOUT_MS = 60_000; // for every other step
const EDITS = ["\n\n补充：节假日顺延。", "\n\n补充：周末照常发货。"];

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// automerge-repo starts some promises without handling their failure (for instance
// a document not ready within its 60 s limit); a browser logs these, and so does
// this script, counting them, instead of ending the process.
const dropped = [];
process.on("unhandledRejection", error => dropped.push(error?.message ?? String(error)));

/** Calls `busy()` after every BEAT_MS in which this thread's event loop was mostly at work. */
function watchLoad(busy) {
  let before = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    if (performance.eventLoopUtilization(now, before).utilization > BUSY) busy();
    before = now;
  }, BEAT_MS);
}

/** Resolves once `test(doc)` holds for the handle's document, checking on every change. */
function until(handle, test) {
  if (handle.isReady() && test(handle.doc())) return Promise.resolve();
  return new Promise(resolve => {
    const check = ({ doc }) => {
      if (test(doc)) {
        handle.off("change", check);
        resolve();
      }
    };
    handle.on("change", check);
  });
}

function readCorpus(file) {
  const entries = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`${file}: no entries`);
  return entries;
}

/** Peer B, in the worker thread: does what A's thread asks, answering each request. */
function memberB({ corpus, url, urls, beat }) {
  const bodies = readCorpus(corpus).map(e => e.body);
  const post = message => parentPort.postMessage(message);
  // B's heartbeat for A's quiet(): [0] counts B's checks, [1] the busy ones.
  setInterval(() => Atomics.add(beat, 0, 1), BEAT_MS);
  watchLoad(() => Atomics.add(beat, 1, 1));
  let client, repo, mirror;
  const steps = {
    // Connects empty and finds every document, letting its event loop run between
    // batches (else its socket goes unserved for as long as setting up thousands of
    // handles takes). A handle that find() gives up on as unavailable (no peer known
    // to have it yet, or 60 s without it) turns ready when the document comes.
    async join() {
      client = new WebSocketClientAdapter(url);
      repo = new Repo({ network: [client], peerId: "peer-b" });
      let gaveUp = 0;
      const found = [];
      for (const [i, u] of urls.entries()) {
        if (i % FIND_BATCH === 0) await new Promise(setImmediate);
        found.push((async () => {
          const handle = await repo.find(u, { allowableStates: ["ready", "unavailable"] });
          if (!handle.isReady()) gaveUp += 1;
          await until(handle, d => d.body === bodies[i]);
          return handle;
        })());
      }
      mirror = (await Promise.all(found))[Math.floor(urls.length / 2)];
      return { gaveUp };
    },
    disconnect: () => client.disconnect(),
    reconnect: () => client.connect(repo.peerId, { isEphemeral: true }), // as without storage
    // Answers at once, and again ("seen", with when on the clock both threads share)
    // once B's copy of the middle document ends with `text`.
    watch({ text }) {
      const seen = until(mirror, d => d.body.endsWith(text));
      seen.then(() => post({ step: "seen", at: performance.timeOrigin + performance.now() }));
    },
    dropped: () => ({ dropped }),
  };
  parentPort.on("message", async ({ step, ...args }) => {
    try {
      post({ step, ...(await steps[step](args)) });
    } catch (error) {
      post({ step: "error", message: `peer B, ${step}: ${error.message}` });
    }
  });
  post({ step: "ready" });
}

/** Peer A, in the main thread: serves the documents, asks B for each step, measures. */
async function main() {
  const { values: args } = parseArgs({
    options: { corpus: { type: "string" }, json: { type: "boolean", default: false } },
  });
  if (!args.corpus) throw new Error("usage: node compare.mjs --corpus FILE [--json]");
  // With --json only the JSON object goes to stdout; everything else to stderr.
  const say = args.json ? console.error : console.log;
  const line = (name, value, unit) => say(`${name.padEnd(40)} ${value.padStart(8)} ${unit}`);
  const manifest = new URL("node_modules/@automerge/automerge-repo/package.json", import.meta.url);
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  const entries = readCorpus(args.corpus);
  const n = entries.length;

  // Every WebSocket message through A's end of a connection, both directions: payload
  // bytes as handed to or received from `ws` (frame headers not counted).
  const wire = { bytes: 0, messages: 0, connections: 0, last: 0 };
  const count = data => {
    wire.bytes += data.byteLength;
    wire.messages += 1;
    wire.last = performance.now();
  };
  const resetWire = () => Object.assign(wire, { bytes: 0, messages: 0, connections: 0, last: 0 });
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise(resolve => wss.once("listening", resolve));
  wss.on("connection", socket => {
    wire.connections += 1;
    socket.on("message", count);
    const send = socket.send.bind(socket);
    socket.send = (data, ...rest) => {
      count(data);
      return send(data, ...rest);
    };
  });
  /** What a step cost beyond its figures, on stderr. */
  const aside = (what = "") => {
    const size = wire.bytes < 1e6 ? `${(wire.bytes / 1e3).toFixed(2)} KB`
      : `${(wire.bytes / 1e6).toFixed(2)} MB`;
    const over = wire.connections > 1 ? `, over ${wire.connections} connections` : "";
    console.error(`  (${wire.messages} messages, ${size}${what}${over})`);
  };

  // No storage on either side: both repos hold their documents in memory only. A
  // serves what it is asked for without announcing its documents, as automerge-repo's
  // sync server does: B asks for every one, and an announcement on top would cross
  // the requests on the wire and send many documents twice.
  const network = [new WebSocketServerAdapter(wss)];
  const repoA = new Repo({ network, peerId: "peer-a", sharePolicy: async () => false });
  console.error(`creating ${n} documents on peer A…`);
  const handlesA = entries.map(({ id, kind, title, body, questions, category, tags }) =>
    repoA.create({ id, kind, title, body, questions, category, tags }));
  const middle = handlesA[Math.floor(n / 2)];

  // automerge-repo has no "list all documents": B is handed the URLs (not timed).
  const beat = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { corpus: args.corpus, url: `ws://127.0.0.1:${wss.address().port}`,
      urls: handlesA.map(h => h.url), beat },
  });
  worker.on("error", error => fail(`peer B: ${error.message}`));
  /** B's next answer to `step` (or its next error). */
  const next = step => new Promise((resolve, reject) => {
    const listen = message => {
      if (message.step !== step && message.step !== "error") return;
      worker.off("message", listen);
      if (message.step === "error") reject(new Error(message.message));
      else resolve(message);
    };
    worker.on("message", listen);
  });
  /** Asks B for `step` and waits for its answer, for at most `ms`. */
  const ask = (step, args = {}, ms = TIMEOUT_MS) => {
    const answer = next(step);
    worker.postMessage({ step, ...args });
    return within(answer, ms, `peer B's ${step}`);
  };

  /**
   * Waits until sync has settled: no message for QUIET_MS while B was connected and
   * neither peer at work (A's own load; B's heartbeat, or its silence). Returns when
   * it settled: the last message or the last moment a peer worked or B was away.
   */
  let busyA = 0;
  watchLoad(() => (busyA = performance.now()));
  async function quiet(what) {
    const started = performance.now();
    let [beats, busyBeats] = [Atomics.load(beat, 0), Atomics.load(beat, 1)];
    let [beaten, busyB] = [started, started];
    for (;;) {
      await sleep(BEAT_MS);
      const now = performance.now();
      if (Atomics.load(beat, 0) !== beats) [beats, beaten] = [Atomics.load(beat, 0), now];
      const away = repoA.peers.length === 0; // as when A's keepalive has dropped B
      if (Atomics.load(beat, 1) !== busyBeats || now - beaten > LATE_MS || away) {
        [busyBeats, busyB] = [Atomics.load(beat, 1), now];
      }
      const settled = Math.max(wire.last, busyA, busyB);
      if (now - settled >= QUIET_MS) return settled;
      if (now - started > TIMEOUT_MS) throw new Error(`${what} never went quiet`);
    }
  }

  say(`automerge-repo ${version}: ${n} documents over WebSocket on 127.0.0.1`);
  await within(next("ready"), TIMEOUT_MS, "peer B's start");

  // 1. New member: B connects empty and finds every document.
  resetWire();
  let started = performance.now();
  const { gaveUp } = await ask("join", {}, NEW_MEMBER_TIMEOUT_MS);
  const newMember = (performance.now() - started) / 1000;
  await quiet("the new member's sync");
  line("new member receives the library", newMember.toFixed(2), "s");
  aside(gaveUp > 0 ? `; find() first gave ${gaveUp} documents up as unavailable` : "");

  // 2. Reconnect with nothing changed: B drops the connection and dials again.
  await ask("disconnect");
  for (const deadline = performance.now() + TIMEOUT_MS; repoA.peers.length > 0; ) {
    if (performance.now() > deadline) throw new Error("peer A never saw B disconnect");
    await sleep(BEAT_MS);
  }
  resetWire();
  started = performance.now();
  await ask("reconnect");
  const reconnectS = ((await quiet("the reconnect")) - started) / 1000;
  if (wire.messages === 0) throw new Error("the reconnect exchanged no messages");
  const reconnectMb = wire.bytes / 1e6;
  line("reconnect, nothing changed: time", reconnectS.toFixed(2), "s");
  line("reconnect, nothing changed: bytes", reconnectMb.toFixed(2), "MB");
  aside();

  // 3. One edit on A: text appended at the end of the middle document's body, with
  // both peers connected and idle. Latency: until B's copy shows it; bytes: every
  // message until the connection is quiet again.
  async function edit(text) {
    await ask("watch", { text });
    const seen = within(next("seen"), TIMEOUT_MS, "the edit reaching B");
    resetWire();
    const started = performance.now();
    middle.change(d => Automerge.splice(d, ["body"], d.body.length, 0, text));
    const ms = (await seen).at - performance.timeOrigin - started;
    await quiet("the edit's sync");
    return { ms, kb: wire.bytes / 1e3 };
  }
  const first = await edit(EDITS[0]);
  line("one edit, bytes on the wire per peer", first.kb.toFixed(2), "KB");
  line("one edit, latency", first.ms.toFixed(1), "ms");
  aside();
  // For context only: automerge sends the whole document instead of the changes when
  // they are over a third of its history, as the first edit to a one-change document is.
  const second = await edit(EDITS[1]);
  aside(` for a second edit to the same document, in ${second.ms.toFixed(1)} ms`);

  for (const [peer, list] of [["A", dropped], ["B", (await ask("dropped")).dropped]]) {
    if (list.length === 0) continue;
    console.error(`  (peer ${peer}: ${list.length} unhandled rejections, first: ${list[0]})`);
  }
  if (args.json) {
    console.log(JSON.stringify({ version, documents: n, new_member_s: newMember,
      reconnect_s: reconnectS, reconnect_mb: reconnectMb, edit_kb: first.kb, edit_ms: first.ms }));
  }
}

/** Rejects with a clear message if `promise` takes longer than `ms`. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function fail(message) {
  console.error(`automerge-repo comparison failed: ${message}`);
  process.exit(1);
}

// Exiting (once stdout is written) ends peer B's thread and both ends of the socket.
const done = () => process.stdout.write("", () => process.exit(0));
if (!isMainThread) memberB(workerData);
else main().then(done, error => fail(error?.message ?? String(error)));
