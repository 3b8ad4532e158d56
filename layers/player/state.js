/* Corridor player: what the other parts share. The player's files are classic scripts run in one global scope,
 * in the order index.html loads them: time.js, labels.js, bridge.js (pure modules, also loaded by Node's tests),
 * then state.js, data.js, layers.js, preview.js, controls.js, main.js. Only this file declares the shared variables
 * (and a few small helpers); the others declare functions. No bundler: the standalone export inlines the same files. */
'use strict';

const {time: T, labels: Labels, bridge: Bridge} = window.Corridor;  // time.js, labels.js, bridge.js
const {DAY_MS} = T;
const DAYS_PER_SECOND = 30;         // at 1x, a month of events passes per second
const TRIP_DAYS = 30;               // a long flow repeats as trips of this length...
const TRIP_PERIOD = 45;             // ...starting every TRIP_PERIOD days...
const MAX_TRIPS = 40;               // ...at most this many per flow...
const TRIP_BUDGET = 60000;          // ...and at most this many in all
const TRIP_BUCKET_DAYS = 60;        // trips are drawn by layers of the trips starting in one such span (makeTrips)
const PREVIEW_SHOW_MS = 100;       // the first picture gets this long to reach the screen before deck.gl starts
const FILL_TRIPS_MS = 120;          // the trips layers not needed yet are made one per this many ms (fillTripsSoon)
const REBUILD_EVERY_MS = 150;       // while playing, visible sets are rebuilt at most this often
const LABEL_SETTLE_MS = 150;       // labels are decluttered this long after the camera stops
const LEGEND_OPEN_MIN_PX = 700;     // a shorter map starts with its legend folded
const CAMERA_REPORT_MS = 1200;      // a paused map reports its camera this long after the last move
const DASH_PX = 14;                 // period of a schematic dash, in screen pixels at the zoom of the build
const MAX_DASHED_GROUPS = 400;      // beyond this many ways on the map, schematic ones are only lighter, not dashed
const KEY_RE = /^[0-9a-f]{8,64}$/;
const REDUCED_STEP_DAYS = 7;        // with reduced motion, playback moves the date a week at a time...
const REDUCED_STEP_MS = 600;        // ...this often at 1x (flows appear whole, nothing travels)
const LATEST_DESCRIBED = 3;         // the map's text alternative names this many of the latest events

const $ = (id) => document.getElementById(id);
const els = {
  root: $('player'), map: $('map'), base: $('map-base'), live: $('map-live'),
  status: $('status'), title: $('map-title'), legend: $('legend'),
  legendCats: $('legend-categories'), legendLines: $('legend-lines'), details: $('details'),
  detailsTitle: $('details-title'), detailsBody: $('details-body'), detailsClose: $('details-close'),
  attribution: $('attribution'), controls: $('controls'), play: $('play'), stepUnit: $('step-unit'),
  back: $('step-back'), forward: $('step-forward'), speed: $('speed'), date: $('date'), time: $('time'),
  windowDays: $('window'), listWrap: $('list-wrap'), list: $('event-list'), reduceMotion: $('reduce-motion'),
  description: $('map-description'),
};

const state = {
  ready: false, mode: null, dataKey: null, t: 0, day: 0, date: '', playing: false, speed: 1,
  window: null, windowDays: 90, step: 'week', selected: null, focus: [], visibleEvents: 0, presenter: false,
  camera: null,
};
const stats = {frames: 0, frameMsMean: 0, frameMsMax: 0, frameMsTotal: 0, draws: 0, drawMsMean: 0,
  drawMsMax: 0, drawMsTotal: 0, rebuilds: 0, dataMs: 0, fps: 0, previewMs: 0};
const labels = () => (L.labels ? L.labels.props.data.map((p) => p.label) : []);  // the place names drawn now
// window.__corridor: the player's state and statistics; hooks that exist only for the tests and the benchmark are
// named as such (main.js fills them in once the later scripts are loaded).
const api = {state, stats, version: 1, forTests: {labels}, forBenchmarks: {}};
window.__corridor = api;

let liveDeck = null;      // the live map: flows, points, places (redrawn every animation frame)
let baseDeck = null;      // the basemap under it, redrawn only when the camera moves
let Layers = null;        // deck.gl layer classes, taken from the layers createDeck built
let FlyTo = null;         // FlyToInterpolator class, likewise
let D = null;             // the prepared data
let L = {};               // current layer instances by id
let order = [];           // draw order of layer ids
let opts = {show_controls: true, show_legend: true, show_details: false, show_list: false, presenter: false,
  theme: 'standard', reduced_motion: null, description: null,
  report_keys: [], transition_ms: 1200, height: null};
let lastArgs = null;
let pendingArgs = null;
let focusSet = null;      // Uint8Array over events, or null when nothing is focused
let selectedEv = -1;
let sentDays = [];        // days reported to Python whose echo in the args has not come back: a late echo of an
                          // earlier step must not undo the steps taken since (a held Enter repeats a step fast)
let detailsFrom = -1;     // the event whose list button opened the details (focus goes back to it on close)
let signature = '';
let reducedDue = 0;
let fitTarget = null;     // {bounds: [w, s, e, n], padding}: a view without a chosen camera, framed in the browser       // ms of reduced-motion playback since the last step
let layerKeys = {};       // what the context and points layers were last made from (see rebuildVisible)
let lastRebuild = 0;
let rebuildDirty = false;
let dashZoom = null;
let rafId = 0;
let lastFrameTs = 0;
let drawStart = 0;
let labelIds = {context: [], points: []};  // the groups the labels were last chosen for
let labelTimer = null;
let fillTimer = 0;
let flying = false;
let cameraTimer = 0;
let reportedCamera = null;
let fpsFrames = 0;
let fpsSince = 0;

/* ---------- dates (time.js; the epoch comes with the data) ---------- */
let cal = T.calendar('2022-01-01');
const dayToDate = (day) => cal.dayToDate(day);
const dateToDay = (d) => cal.dateToDay(d);
const dayLabel = (day) => cal.dayLabel(day);
const isoDay = (day) => cal.isoDay(day);

/* ---------- colours ---------- */
function hexRgb(hex) {
  const h = String(hex).replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}
function rgba(rgb, alpha) { return [rgb[0], rgb[1], rgb[2], Math.round(alpha)]; }
function focusAlpha(ev, alpha) { return focusSet && !focusSet[ev] ? alpha * D.style.dim : alpha; }
/** The theme drawn now (opts.theme: standard, bright or dark; payload style.themes), its basemap and colours. */
function theme(data = D) {
  const themes = (data && data.style.themes) || {};
  return themes[opts.theme] || themes.standard || {basemap: data.style.basemap, colors: data.cats.map((c) => c.color)};
}
/** True when the camera should jump and flows appear whole: the reader asked (the toggle, which starts from the
 * browser's prefers-reduced-motion setting), or the page did (opts.reduced_motion). */
function reducedMotion() {
  if (opts.reduced_motion === true) return true;
  return !!(els.reduceMotion && els.reduceMotion.checked);
}
/** Lines, markers and names are drawn this much larger in presenter mode. */
function sizeScale() { return state.presenter ? 1.6 : 1; }

/* ---------- Streamlit bridge (bridge.js) ---------- */
const bridge = Bridge.makeBridge(window, document);
const inStreamlit = bridge.inStreamlit;
const reportHeight = () => bridge.reportHeight();
/** Tell Python something the user did (never called during playback). */
function send(kind, extra) {
  if (!D) return;
  if (sentDays[sentDays.length - 1] !== state.day) sentDays = [...sentDays.slice(-19), state.day];
  bridge.send(Object.assign({kind, key: D.key, date: state.day, window: state.window,
    camera: roundCamera(currentCamera())}, extra || {}));
}

/* ---------- status and text helpers ---------- */
function setStatus(text) { els.status.textContent = text || ''; }
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}
function safeUrl(url) {  // layers.model.schema.URL, through the payload
  return typeof url === 'string' && D && new RegExp(D.style.url_pattern, 'i').test(url) ? url : null;
}
