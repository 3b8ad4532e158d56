/* Corridor map player, start-up (main.js): deck.gl (from pydeck's bundle, global createDeck) animated in the browser.
 *
 * The player is nine classic scripts sharing one global scope (see state.js). Two modes:
 *  - Streamlit components.v1: a postMessage handshake (streamlit:componentReady / streamlit:render /
 *    streamlit:setComponentValue / streamlit:setFrameHeight). The data arrives once per key, fetched from the
 *    component folder (args.data = {key, url}); every other arg (date, camera, focus...) is small.
 *  - Standalone: the payload sits in <script type="application/json" id="corridor-data">.
 * Time runs here (requestAnimationFrame); only the trips layers are cloned per frame. Python hears of the time
 * only on pause, step, seek or mode change, and of clicks; never during playback.
 * Text from the data is only ever set with textContent; tooltips are {text}.
 */
'use strict';

/** deck.gl's bundle, loaded once (true once ``createDeck`` exists; startDeck says so when it does not). The
 * standalone export inlines it before the player's scripts; the app's page only preloads it (index.html) and runs it
 * when asked, after the first picture is on screen: running it takes the page's only thread for about a second on a
 * laptop without a GPU. */
let deckLoading = null;
function loadDeck() {
  if (!deckLoading) {
    deckLoading = new Promise((resolve) => {
      if (typeof window.createDeck === 'function') { resolve(true); return; }
      const tag = document.createElement('script');
      tag.src = 'deck.min.js';
      tag.onload = () => resolve(typeof window.createDeck === 'function');
      tag.onerror = () => resolve(false);
      document.body.appendChild(tag);
    });
  }
  return deckLoading;
}
/** Resolves once what is drawn now has had time to reach the screen: two frames, then PREVIEW_SHOW_MS. Without
 * it, on software WebGL, deck.gl's start-up (compiling its programs holds the browser's compositor) began before
 * the first picture was shown, and the screen kept its blank map for seconds more. */
const afterPaint = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(done, PREVIEW_SHOW_MS))));

/** Install new prepared data ``d`` (data.js prepare; a new key): keep time, speed, mode and camera. */
function useData(d) {
  const first = !D;
  const wasPlaying = state.playing;
  if (wasPlaying) pause(null);
  D = d;
  const payload = d.payload; const key = d.key;
  state.dataKey = key;
  const view = payload.view || {};
  if (first) {
    const camera = (view.camera && Number.isFinite(view.camera.zoom)) ? view.camera
      : {longitude: 95, latitude: 50, zoom: 2.3, pitch: 0, bearing: 0};
    if (!startDeck(camera)) return false;
  }
  els.time.min = String(D.range[0]);
  els.time.max = String(D.range[1]);
  els.windowDays.max = String(D.style.max_window_days);
  setFocus(state.focus);
  buildAll();
  renderLegend();
  if (first) state.t = view.date === null || view.date === undefined ? D.range[1] : view.date;
  state.date = '';
  setTime(state.t, false);
  select(D.evIndex.has(state.selected) ? D.evIndex.get(state.selected) : -1, false);
  renderList();
  describe();
  if (wasPlaying) play();
  state.ready = true;
  stats.readyMs = performance.now();
  setStatus('');
  return true;
}

/* ---------- options and args ---------- */
function applyOptions(o) {
  opts = Object.assign(opts, o);
  state.presenter = !!opts.presenter;
  els.root.classList.toggle('presenter', state.presenter);
  els.root.dataset.theme = opts.theme in ((D && D.style.themes) || {standard: 1, bright: 1, dark: 1}) ? opts.theme : 'standard';
  if ('reduced_motion' in o && opts.reduced_motion === true && els.reduceMotion) els.reduceMotion.checked = true;
  els.controls.hidden = !opts.show_controls;
  els.legend.hidden = !opts.show_legend;
  if (opts.height) els.map.style.height = `${Math.max(200, Math.min(4000, +opts.height))}px`;
  if (!state.legendFolded) {  // once: a short map starts with its legend folded, so the legend hides no flows
    state.legendFolded = true;
    els.legend.open = (+opts.height || els.map.clientHeight || window.innerHeight) >= LEGEND_OPEN_MIN_PX;
  }
  if (opts.title) { els.title.hidden = false; els.title.textContent = opts.title; } else { els.title.hidden = true; }
  if (D && liveDeck) { buildAll(); push(); renderDetails(); renderList(); }
}

const same = (a, b) => JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);

/** Apply the view args that changed since the last render (all of them on the first). */
function applyView(a, prev) {
  const first = !prev;
  const forced = !first && a.rev !== prev.rev;
  prev = prev || {};
  if (first || forced || !same(a.window, prev.window)) {
    const w = Number.isFinite(+a.window) && +a.window > 0 ? Math.round(+a.window) : null;
    if (w !== state.window) setMode(w, false);
  }
  let moved = first || forced;
  if (first || forced || !same(a.description, prev.description)) {
    opts.description = Array.isArray(a.description) ? a.description : null;
    moved = true;
  }
  if (first || forced || !same(a.focus, prev.focus)) { setFocus(a.focus || []); moved = true; }
  if ((first || forced || !same(a.date, prev.date)) && a.date !== undefined) {
    const day = a.date === null ? D.range[1] : +a.date;
    const echo = forced ? -1 : sentDays.indexOf(day);  // Python repeating a day this player reported earlier
    sentDays = echo >= 0 ? sentDays.slice(echo + 1) : [];
    if (echo < 0 && Number.isFinite(day) && Math.floor(state.t) !== day) {
      pause(null); setTime(day, false); renderList();
    }
    moved = true;
  }
  if (first || forced || !same(a.fit, prev.fit)) {
    fitTarget = a.fit && Array.isArray(a.fit.bounds) ? a.fit : null;
    if (fitTarget) fitToMap(first ? 0 : +(a.transition_ms ?? opts.transition_ms));
  }
  if ((first || forced || !same(a.camera, prev.camera)) && a.camera && !fitTarget) {
    if (!closeCamera(a.camera, state.camera)) flyTo(a.camera, first ? 0 : +(a.transition_ms ?? opts.transition_ms));
    else reportedCamera = roundCamera(a.camera);
  }
  if (first || forced || !same(a.selected, prev.selected)) {
    const ev = a.selected && D.evIndex.has(a.selected) ? D.evIndex.get(a.selected) : -1;
    if (ev !== selectedEv) select(ev, false);
  }
  if ((first || !same(a.speed, prev.speed)) && a.speed) {
    state.speed = +a.speed || 1;
    els.speed.value = String(state.speed);
  }
  if (moved) describe();  // the chapter or the date changed: say what the map shows now
}

const OPTION_KEYS = ['show_controls', 'show_legend', 'show_details', 'show_list', 'presenter', 'report_keys',
  'transition_ms', 'height', 'title', 'theme', 'reduced_motion'];
let loading = null;

function onRender(args) {
  const o = {};
  for (const k of OPTION_KEYS) if (k in args && !same(args[k], lastArgs && lastArgs[k])) o[k] = args[k];
  if (Object.keys(o).length) applyOptions(o);
  const data = args.data || {};
  if (D && data.key === D.key) {
    applyView(args, lastArgs);
    lastArgs = args;
    reportHeight();
    return;
  }
  pendingArgs = args;
  if (!data.key || !KEY_RE.test(data.key)) { setStatus('No map data was given.'); return; }
  if (loading === data.key) return;
  loading = data.key;
  setStatus('Loading map data…');
  const url = typeof data.url === 'string' && /^[\w./-]+$/.test(data.url) && !data.url.includes('..')
    ? data.url : `data/${data.key}.json`;
  fetch(url, {credentials: 'same-origin'})
    .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.json(); })
    .then((payload) => {
      if (loading !== data.key) return null;
      const d = prepare(payload, data.key);
      const first = !D && drawPreview(d, pendingArgs);  // the first map, drawn while deck.gl loads (preview.js)
      return (first ? afterPaint() : Promise.resolve()).then(loadDeck).then(() => {
        if (loading !== data.key) return;
        loading = null;
        const firstData = !D;
        if (!useData(d)) { hidePreview(); return; }
        const a = pendingArgs;
        applyView(a, firstData ? null : lastArgs);
        lastArgs = a;
        reportHeight();
      });
    })
    .catch((err) => { loading = null; hidePreview(); setStatus(`The map data could not be loaded (${err.message}).`); });
}

/* ---------- start ---------- */
function start() {
  wireControls();
  const inline = document.getElementById('corridor-data');
  if (inline) {
    state.mode = 'standalone';
    let payload;
    try {
      payload = JSON.parse(inline.textContent);
    } catch (err) {
      setStatus('The inlined map data is not valid JSON.');
      return;
    }
    const view = payload.view || {};
    applyOptions({show_details: true, show_list: true, title: view.title || ''});
    els.map.style.height = `${Math.max(360, window.innerHeight - 150)}px`;
    // deck.gl is inlined above, and the briefing's script (after this one) needs the data at once: no preview
    if (!useData(prepare(payload, payload.key || 'inline'))) return;
    applyView({date: view.date, window: view.window, camera: view.camera, focus: view.focus,
      selected: view.selected, fit: view.fit}, null);
    return;
  }
  if (!inStreamlit) { setStatus('No map data: open this player from the app or an exported file.'); return; }
  state.mode = 'streamlit';
  bridge.listen(onRender);
  if (typeof ResizeObserver === 'function') new ResizeObserver(reportHeight).observe(els.root);
  reportHeight();
}

Object.assign(api.forTests, {project, pathPoint, drawn});
Object.assign(api.forBenchmarks, {replay});
start();
