// The Lattice console: polls the proxy's JSON API every second and draws the cluster.
// No framework and no network beyond the proxy: every text is set with textContent, never as HTML.
"use strict";

const POLL_MS = 1000;
const HISTORY_POINTS = 300; // five minutes at one point a second
const SVG = "http://www.w3.org/2000/svg";

// What each level promises (README, "Consistency levels").
const PROMISES = {
  EVENTUAL: "Reads any readable replica, in turn; sees some prefix of the commit order.",
  CONSISTENT_PREFIX: "Any replica; a read-only transaction is one snapshot on one node: a prefix, never a gap.",
  MONOTONIC_READS: "Stays on its sticky replica; never reads older than an earlier read.",
  READ_YOUR_WRITES: "A replica that has applied the session's last write (W): sees its own writes.",
  CAUSAL: "A replica that has applied everything the session wrote or saw (T). The default.",
  BOUNDED_STALENESS: "A replica no more than the bound behind: sees every commit older than the bound.",
  STRONG: "A replica of the synchronous set; COMMIT waits until every one of them applied it.",
  QUORUM: "The most advanced of r replicas asked; sees every acknowledged write when w + r > N.",
  LINEARIZABLE: "A replica that has applied C as of the read's start: every write acknowledged before it.",
  SERIALIZABLE: "The primary, with strict two-phase locking: transactions are serializable.",
};

const state = { csrf: null, user: null, history: {}, timer: null, busy: false, nodes: {} };
const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function fmt(n) {
  if (n === null || n === undefined) return "–";
  if (typeof n === "number") return n.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return String(n);
}

function duration(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  return Math.floor(ms / 60000) + " min " + Math.floor((ms % 60000) / 1000) + " s";
}

async function api(path, options) {
  const opts = Object.assign({ credentials: "same-origin", cache: "no-store" }, options || {});
  const r = await fetch(path, opts);
  if (r.status === 401) { showLogin(); throw new Error("logged out"); }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

async function action(path, form) {
  $("action-error").textContent = "";
  try {
    await api(path, {
      method: "POST",
      headers: { "X-Lattice-CSRF": state.csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form || {}).toString(),
    });
    await poll();
  } catch (e) {
    if (e.message !== "logged out") $("action-error").textContent = e.message;
  }
}

// ---- login ----

function showLogin() {
  clearInterval(state.timer);
  state.timer = null;
  $("app").classList.add("hidden");
  $("login").classList.remove("hidden");
  $("user").focus();
}

function showApp(me) {
  state.csrf = me.csrf;
  state.user = me.user;
  $("who").textContent = "signed in as " + me.user;
  $("login").classList.add("hidden");
  $("app").classList.remove("hidden");
  poll();
  if (!state.timer) state.timer = setInterval(poll, POLL_MS);
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("login-error").textContent = "";
  const r = await fetch("/api/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ user: $("user").value, password: $("password").value }).toString(),
  });
  const body = await r.json().catch(() => ({}));
  $("password").value = "";
  if (!r.ok) { $("login-error").textContent = body.error || "login failed"; return; }
  showApp(body);
});

$("logout").addEventListener("click", async () => {
  await fetch("/api/logout", { method: "POST", credentials: "same-origin", headers: { "X-Lattice-CSRF": state.csrf } });
  showLogin();
});

// ---- polling ----

async function poll() {
  if (state.busy) return;
  state.busy = true;
  try {
    const [cluster, stats, sessions, locks] = await Promise.all(
      ["/api/cluster", "/api/stats", "/api/sessions", "/api/locks"].map((p) => api(p)));
    renderCluster(cluster);
    renderLevels(stats);
    renderSessions(sessions);
    renderLocks(locks);
    $("live").classList.remove("stale");
    $("updated").textContent = "live · " + new Date(cluster.time).toLocaleTimeString();
  } catch (e) {
    if (e.message !== "logged out") {
      $("live").classList.add("stale");
      $("updated").textContent = "no answer: " + e.message;
    }
  } finally {
    state.busy = false;
  }
}

// ---- nodes ----

function renderCluster(c) {
  const info = $("cluster-info");
  info.replaceChildren();
  for (const [k, v] of [["backend", c.backend], ["cluster", c.cluster], ["committed LSN", fmt(c.committed_lsn)]]) {
    const s = el("span", null, k + " ");
    s.appendChild(el("b", null, v));
    info.appendChild(s);
  }
  const box = $("nodes");
  const seen = new Set();
  for (const n of c.nodes) {
    seen.add(n.name);
    let card = state.nodes[n.name];
    if (!card) { card = nodeCard(n); state.nodes[n.name] = card; box.appendChild(card.root); }
    updateNode(card, n);
  }
  for (const name of Object.keys(state.nodes)) {
    if (!seen.has(name)) { state.nodes[name].root.remove(); delete state.nodes[name]; }
  }
}

function nodeCard(n) {
  const root = el("article", "node");
  root.dataset.node = n.name;
  const head = el("div", "node-head");
  head.append(el("span", "node-name", n.name), el("span", "role", n.role));
  const st = el("span", "state");
  head.appendChild(st);
  const lagLine = el("div", "lag-line");
  const lagBig = el("div", "lag-big");
  const lagMs = el("div", "lag-ms");
  lagLine.append(lagBig, lagMs);
  const bar = el("div", "bar");
  const fill = el("div", "bar-fill");
  bar.appendChild(fill);
  const facts = el("dl", "facts");
  const url = el("div", "url mono");
  root.append(head, lagLine, bar, facts, url);
  const card = { root, st, lagBig, lagMs, fill, facts, url };
  if (n.role !== "PRIMARY") {
    const actions = el("div", "actions");
    const pause = el("button", "small warn pause", "Pause");
    const resume = el("button", "small go resume", "Resume");
    const delay = el("input", "delay-ms");
    delay.type = "number"; delay.min = "0"; delay.step = "100"; delay.placeholder = "delay ms";
    delay.setAttribute("aria-label", "delay in ms for " + n.name);
    const set = el("button", "small ghost set-delay", "Set delay");
    const name = encodeURIComponent(n.name);
    pause.addEventListener("click", () => action("/api/replicas/" + name + "/pause"));
    resume.addEventListener("click", () => action("/api/replicas/" + name + "/resume"));
    set.addEventListener("click", () => action("/api/replicas/" + name + "/delay", { ms: delay.value || "0" }));
    actions.append(pause, resume, el("span", "grow"), delay, set);
    root.appendChild(actions);
    Object.assign(card, { pause, resume });
  }
  return card;
}

function fact(dl, label, value, cls) {
  const d = el("div");
  const dd = el("dd", cls, value);
  d.append(el("dt", null, label), dd);
  dl.appendChild(d);
}

function updateNode(card, n) {
  const primary = n.role === "PRIMARY";
  card.root.className = "node" + (primary ? " primary" : "") + (n.state === "PAUSED" ? " paused" : "")
    + (["FAILED", "UNREACHABLE", "FENCED", "STOPPED"].includes(n.state) ? " failed" : "");
  card.st.textContent = n.state;
  card.st.className = "state " + n.state;
  const lag = n.lag_lsn;
  card.root.dataset.lag = lag === null || lag === undefined ? "" : String(lag);
  card.root.dataset.state = n.state;
  card.lagBig.replaceChildren(document.createTextNode(primary ? fmt(n.applied_lsn) : (lag === null ? "?" : fmt(lag))));
  card.lagBig.appendChild(el("small", null, primary ? "committed LSN" : "behind"));
  card.lagMs.textContent = primary ? "orders every write" : (n.lag_ms === null ? "lag unknown" : duration(n.lag_ms) + " lag");
  // a log scale, so one transaction behind shows and ten thousand fill the bar
  const width = primary || !lag ? 0 : Math.min(100, 4 + 96 * Math.log10(1 + lag) / 4);
  card.fill.style.width = width + "%";
  card.facts.replaceChildren();
  fact(card.facts, "applied LSN", fmt(n.applied_lsn));
  if (!primary) {
    fact(card.facts, "sync set", n.in_sync_set ? "yes" : "no", n.in_sync_set ? "sync-yes" : "sync-no");
    fact(card.facts, "injected delay", n.delay_ms ? duration(n.delay_ms) : "none");
  }
  const known = new Set(["name", "role", "url", "state", "applied_lsn", "lag_lsn", "lag_ms", "in_sync_set", "delay_ms"]);
  for (const [k, v] of Object.entries(n)) {
    if (!known.has(k) && v !== null && v !== "") fact(card.facts, k.replace(/_/g, " "), fmt(v));
  }
  card.url.textContent = n.url || "";
  card.url.title = n.url || "";
  if (card.pause) {
    card.pause.disabled = n.state === "PAUSED";
    card.resume.disabled = n.state !== "PAUSED";
  }
}

// ---- levels ----

function renderLevels(stats) {
  const box = $("levels");
  const t = stats.time;
  for (const l of stats.levels) {
    let h = state.history[l.level];
    if (!h) {
      h = state.history[l.level] = { points: [], card: levelCard(l.level) };
      box.appendChild(h.card.root);
    }
    if (l.rates.primary_reads !== null) {
      const last = h.points[h.points.length - 1];
      if (!last || last.t !== t) {
        h.points.push({ t, p: l.rates.primary_reads, r: l.rates.replica_reads, w: l.rates.waits, f: l.rates.fallbacks });
        if (h.points.length > HISTORY_POINTS) h.points.shift();
      }
    }
    drawLevel(h, l);
  }
}

function levelCard(level) {
  const root = el("div", "level");
  root.dataset.level = level;
  const head = el("div", "level-head");
  const now = el("div", "level-now");
  head.append(el("span", "level-name", level), now);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 300 70");
  svg.setAttribute("preserveAspectRatio", "none");
  const totals = el("div", "totals");
  root.append(head, svg, el("p", "promise", PROMISES[level] || ""), totals);
  return { root, now, svg, totals };
}

function path(points, key, scale, t0, span, close) {
  if (points.length === 0) return "";
  const x = (p) => ((p.t - t0) / span) * 300;
  const y = (v) => 68 - (v / scale) * 62;
  let d = "M" + x(points[0]).toFixed(1) + "," + y(points[0][key] || 0).toFixed(1);
  for (const p of points.slice(1)) d += " L" + x(p).toFixed(1) + "," + y(p[key] || 0).toFixed(1);
  if (close) d += " L" + x(points[points.length - 1]).toFixed(1) + ",68 L" + x(points[0]).toFixed(1) + ",68 Z";
  return d;
}

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function drawLevel(h, l) {
  const c = h.card;
  const pts = h.points;
  const last = pts[pts.length - 1] || { p: 0, r: 0, w: 0, f: 0 };
  c.now.replaceChildren();
  const r = el("b", "r", fmt(last.r) + "/s");
  const p = el("b", "p", fmt(last.p) + "/s");
  c.now.append(r, document.createTextNode(" replicas · "), p, document.createTextNode(" primary"));
  c.totals.textContent = "total: " + fmt(l.replica_reads) + " on replicas, " + fmt(l.primary_reads) + " on the primary, "
    + fmt(l.waits) + " waits, " + fmt(l.fallbacks) + " fallbacks" + (l.errors ? ", " + fmt(l.errors) + " errors" : "");
  const active = l.replica_reads + l.primary_reads + l.waits > 0;
  c.root.classList.toggle("idle", !active);
  const svg = c.svg;
  svg.replaceChildren();
  for (const gy of [6, 37, 68]) {
    svg.appendChild(svgEl("line", { x1: 0, x2: 300, y1: gy, y2: gy, stroke: "#263042", "stroke-width": 1,
      "vector-effect": "non-scaling-stroke" }));
  }
  if (pts.length < 2) return;
  const t1 = pts[pts.length - 1].t;
  const t0 = Math.min(pts[0].t, t1 - 60000);
  const span = Math.max(1, t1 - t0);
  const scale = Math.max(1, ...pts.map((q) => Math.max(q.p + q.r, q.w, q.f))) * 1.1;
  const stacked = pts.map((q) => ({ t: q.t, s: q.p + q.r, p: q.p, w: q.w }));
  svg.appendChild(svgEl("path", { d: path(stacked, "s", scale, t0, span, true), fill: "rgba(45,212,191,.28)" }));
  svg.appendChild(svgEl("path", { d: path(stacked, "s", scale, t0, span, false), fill: "none", stroke: "#2dd4bf",
    "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }));
  svg.appendChild(svgEl("path", { d: path(stacked, "p", scale, t0, span, true), fill: "rgba(245,165,36,.45)" }));
  svg.appendChild(svgEl("path", { d: path(stacked, "w", scale, t0, span, false), fill: "none", stroke: "#7aa2f7",
    "stroke-width": 1.5, "stroke-dasharray": "4 3", "vector-effect": "non-scaling-stroke" }));
  for (const q of pts) {
    if (q.f > 0) {
      const x = ((q.t - t0) / span) * 300;
      svg.appendChild(svgEl("line", { x1: x, x2: x, y1: 0, y2: 70, stroke: "#f7768e", "stroke-width": 2,
        "vector-effect": "non-scaling-stroke" }));
    }
  }
}

// ---- sessions and locks ----

function cell(tr, text, cls) {
  const td = el("td", cls, text);
  tr.appendChild(td);
  return td;
}

function renderSessions(s) {
  const body = $("sessions").tBodies[0];
  body.replaceChildren();
  if (s.sessions.length === 0) {
    const tr = el("tr");
    const td = cell(tr, "no client sessions", "empty");
    td.colSpan = 9;
    body.appendChild(tr);
    return;
  }
  for (const x of s.sessions) {
    const tr = el("tr", x.state);
    tr.dataset.session = x.id;
    tr.dataset.state = x.state;
    cell(tr, "#" + x.id, "mono");
    cell(tr, x.user);
    cell(tr, x.client, "mono");
    const lv = cell(tr, x.level);
    lv.title = "token " + x.token;
    cell(tr, x.in_transaction ? "open" : "–");
    const st = cell(tr, null);
    st.appendChild(el("span", "pill " + x.state, x.state));
    const sql = cell(tr, x.statement || "", "sql mono");
    sql.title = x.statement || "";
    cell(tr, x.waits_for ? x.waits_for.lock + " held by #" + x.waits_for.held_by.join(", #") : "", "mono wait");
    cell(tr, x.running_ms === null ? "" : duration(x.running_ms), "nowrap");
    body.appendChild(tr);
  }
}

function renderLocks(l) {
  const edges = $("edges");
  edges.replaceChildren();
  if (l.edges.length === 0) {
    edges.appendChild(el("div", "none", "Nobody waits for a lock." + (l.deadlocks ? " Deadlocks broken so far: " + l.deadlocks : "")));
  }
  for (const e of l.edges) {
    const row = el("div", "edge");
    row.dataset.waiter = e.waiter;
    row.dataset.holder = e.holder;
    const arrow = el("span", "arrow");
    arrow.appendChild(el("span", "what", "waits for " + e.wants + " on " + e.object + " (holds " + e.holds + ")"));
    row.append(el("span", "s", "#" + e.waiter), arrow, el("span", "s", "#" + e.holder));
    edges.appendChild(row);
  }
  const body = $("locks").tBodies[0];
  body.replaceChildren();
  if (l.locks.length === 0) {
    const tr = el("tr");
    const td = cell(tr, "no locks held", "empty");
    td.colSpan = 4;
    body.appendChild(tr);
  }
  for (const x of l.locks) {
    const tr = el("tr");
    cell(tr, "#" + x.session, "mono");
    cell(tr, x.object, "mono");
    cell(tr, x.mode, "mono");
    cell(tr, null).appendChild(el("span", "pill " + x.state, x.state));
    body.appendChild(tr);
  }
}

// ---- start ----

fetch("/api/me", { credentials: "same-origin", cache: "no-store" })
  .then((r) => (r.ok ? r.json().then(showApp) : showLogin()))
  .catch(showLogin);
