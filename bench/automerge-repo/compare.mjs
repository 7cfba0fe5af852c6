// Lore's sync workload on automerge-repo, for a side-by-side comparison with
// `lore-bench sync`: a new member receiving the library, a reconnect with nothing
// changed, and one edit. Two repos in this process talk over a real WebSocket on
// 127.0.0.1; bytes are counted at the server end of that socket.
//
//   node compare.mjs --corpus FILE [--json]
//
// FILE is a JSON array of entries {id, kind, title, body, questions, category, tags};
// each entry becomes one automerge document. See README.md.

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import {
  WebSocketClientAdapter,
  WebSocketServerAdapter,
} from "@automerge/automerge-repo-network-websocket";
import { next as Automerge } from "@automerge/automerge";

const QUIET_MS = 200; // no message for this long (with the process idle) = settled
const NEW_MEMBER_TIMEOUT_MS = 10 * 60_000;
const TIMEOUT_MS = 60_000; // for every other step
const EDIT = "\n\n补充：节假日顺延。";
const SECOND_EDIT = "\n\n补充：周末照常发货。";

const { values: args } = parseArgs({
  options: { corpus: { type: "string" }, json: { type: "boolean", default: false } },
});
if (!args.corpus) fail("usage: node compare.mjs --corpus FILE [--json]");
// With --json only the JSON object goes to stdout; everything else to stderr.
const say = args.json ? console.error : console.log;
const note = console.error;
const line = (name, value, unit) => say(`${name.padEnd(40)} ${value.padStart(8)} ${unit}`);

const version = JSON.parse(
  readFileSync(
    new URL("./node_modules/@automerge/automerge-repo/package.json", import.meta.url),
  ),
).version;
const entries = JSON.parse(readFileSync(args.corpus, "utf8"));
if (!Array.isArray(entries) || entries.length === 0) fail(`${args.corpus}: no entries`);
const n = entries.length;

function fail(message) {
  console.error(`automerge-repo comparison failed: ${message}`);
  process.exit(1);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Rejects with a clear message if `promise` takes longer than `ms`. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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

// Every WebSocket message through the server end of the connection, both directions:
// payload bytes as handed to / received from `ws` (frame headers not included).
const wire = { bytes: 0, messages: 0, last: 0 };
function count(data) {
  wire.bytes += data.byteLength;
  wire.messages += 1;
  wire.last = performance.now();
}
function resetWire() {
  Object.assign(wire, { bytes: 0, messages: 0, last: performance.now() });
}

/**
 * Waits until sync has settled: no message for QUIET_MS while the event loop was free.
 * A poll that wakes up late means the process was busy (a repo working through a
 * burst of messages, about to answer), which counts as activity, not quiet. Returns
 * the time of the last message.
 */
async function quiet(what) {
  const started = performance.now();
  let busy = started;
  for (let tick = started; ; ) {
    await sleep(5);
    const now = performance.now();
    if (now - tick > 25) busy = now;
    tick = now;
    if (now - Math.max(wire.last, busy) >= QUIET_MS) return wire.last;
    if (now - started > TIMEOUT_MS) throw new Error(`${what} never went quiet`);
  }
}

async function main() {
  // Peer A: a WebSocket server on an ephemeral loopback port, holding every document.
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise(resolve => wss.once("listening", resolve));
  wss.on("connection", socket => {
    socket.on("message", count);
    const send = socket.send.bind(socket);
    socket.send = (data, ...rest) => {
      count(data);
      return send(data, ...rest);
    };
  });
  const url = `ws://127.0.0.1:${wss.address().port}`;
  // No storage on either side: both repos hold their documents in memory only. The
  // default share policy applies: a repo announces all its documents to a new peer.
  const repoA = new Repo({ network: [new WebSocketServerAdapter(wss)], peerId: "peer-a" });

  note(`creating ${n} documents on peer A…`);
  const handlesA = entries.map(e =>
    repoA.create({
      id: e.id,
      kind: e.kind,
      title: e.title,
      body: e.body,
      questions: e.questions,
      category: e.category,
      tags: e.tags,
    }),
  );
  // automerge-repo has no "list all documents": B is handed the URLs (not timed).
  const urls = handlesA.map(h => h.url);
  say(`automerge-repo ${version}: ${n} documents over WebSocket on 127.0.0.1`);

  // 1. New member: B connects empty and finds every document. A handle that find()
  // gave up on (automerge-repo marks a document unavailable after 60 s without it)
  // still becomes ready when the document arrives, so it is waited for, and counted.
  note("new member syncing…");
  resetWire();
  let started = performance.now();
  const client = new WebSocketClientAdapter(url);
  const repoB = new Repo({ network: [client], peerId: "peer-b" });
  let gaveUp = 0;
  const handlesB = await within(
    Promise.all(
      urls.map(async (u, i) => {
        const handle = await repoB.find(u, { allowableStates: ["ready", "unavailable"] });
        if (!handle.isReady()) gaveUp += 1;
        await until(handle, d => d.body === entries[i].body);
        return handle;
      }),
    ),
    NEW_MEMBER_TIMEOUT_MS,
    "the new member",
  );
  const newMember = (performance.now() - started) / 1000;
  await quiet("the new member's sync");
  line("new member receives the library", newMember.toFixed(2), "s");
  note(`  (${wire.messages} messages, ${(wire.bytes / 1e6).toFixed(2)} MB on the wire)`);
  if (gaveUp > 0) note(`  (find() first reported ${gaveUp} documents unavailable)`);

  // 2. Reconnect with nothing changed: B drops the connection and dials again.
  client.disconnect();
  await within(
    (async () => {
      while (repoA.peers.length > 0) await sleep(5);
    })(),
    TIMEOUT_MS,
    "peer A noticing the disconnect",
  );
  resetWire();
  started = performance.now();
  client.connect(repoB.peerId, { isEphemeral: true }); // what a storage-less repo sends
  const settled = await quiet("the reconnect");
  if (wire.messages === 0) throw new Error("the reconnect exchanged no messages");
  const reconnectS = (settled - started) / 1000;
  const reconnectMb = wire.bytes / 1e6;
  line("reconnect, nothing changed: time", reconnectS.toFixed(2), "s");
  line("reconnect, nothing changed: bytes", reconnectMb.toFixed(2), "MB");
  note(`  (${wire.messages} messages)`);

  // 3. One edit on A: text appended at the end of the middle document's body, with
  // both peers connected and idle. Latency: until B's copy shows it; bytes: every
  // message until the connection is quiet again.
  const middle = handlesA[Math.floor(n / 2)];
  const mirror = handlesB[Math.floor(n / 2)];
  async function edit(text) {
    resetWire();
    const started = performance.now();
    middle.change(d => Automerge.splice(d, ["body"], d.body.length, 0, text));
    await within(until(mirror, d => d.body.endsWith(text)), TIMEOUT_MS, "the edit reaching B");
    const ms = performance.now() - started;
    await quiet("the edit's sync");
    return { ms, kb: wire.bytes / 1e3, messages: wire.messages };
  }
  const first = await edit(EDIT);
  line("one edit, bytes on the wire per peer", first.kb.toFixed(2), "KB");
  line("one edit, latency", first.ms.toFixed(1), "ms");
  note(`  (${first.messages} messages)`);
  // For context only: automerge sends the whole document instead of the changes when
  // they are over a third of its history, as the first edit to a one-change document is.
  const second = await edit(SECOND_EDIT);
  note(
    `  (a second edit to the same document: ${second.kb.toFixed(2)} KB, ` +
      `${second.ms.toFixed(1)} ms, ${second.messages} messages)`,
  );

  if (args.json) {
    console.log(
      JSON.stringify({
        version,
        documents: n,
        new_member_s: newMember,
        reconnect_s: reconnectS,
        reconnect_mb: reconnectMb,
        edit_kb: first.kb,
        edit_ms: first.ms,
      }),
    );
  }
  await repoB.shutdown();
  await repoA.shutdown();
  wss.close();
}

main().then(
  () => process.exit(0),
  error => fail(error?.message ?? String(error)),
);
