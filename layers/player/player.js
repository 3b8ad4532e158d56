/* Corridor map player: deck.gl (from pydeck's bundle, global createDeck) animated in the browser.
 *
 * Two modes from the same file:
 *  - Streamlit components.v1: a postMessage handshake (streamlit:componentReady / streamlit:render /
 *    streamlit:setComponentValue / streamlit:setFrameHeight). The data arrives once per key, fetched from the
 *    component folder (args.data = {key, url}); every other arg (date, camera, focus...) is small.
 *  - Standalone: the payload sits in <script type="application/json" id="corridor-data">.
 * Time runs here (requestAnimationFrame); only the trips layers are cloned per frame. Python hears of the time
 * only on pause, step, seek or mode change, and of clicks; never during playback.
 * Text from the data is only ever set with textContent; tooltips are {text}.
 */
(function () {
  'use strict';

  const {time: T, labels: Labels, bridge: Bridge} = window.Corridor;  // time.js, labels.js, bridge.js
  const {DAY_MS} = T;
  const DAYS_PER_SECOND = 30;         // at 1x, a month of events passes per second
  const TRIP_DAYS = 30;               // a long flow repeats as trips of this length...
  const TRIP_PERIOD = 45;             // ...starting every TRIP_PERIOD days...
  const MAX_TRIPS = 40;               // ...at most this many per flow...
  const TRIP_BUDGET = 60000;          // ...and at most this many in all
  const TRIP_BUCKET_DAYS = 60;        // trips are drawn by layers of the trips starting in one such span (tripLayers)
  const REBUILD_EVERY_MS = 150;       // while playing, visible sets are rebuilt at most this often
  const LABEL_SETTLE_MS = 150;       // labels are decluttered this long after the camera stops
  const LEGEND_OPEN_MIN_PX = 700;     // a shorter map starts with its legend folded
  const CAMERA_REPORT_MS = 1200;      // a paused map reports its camera this long after the last move
  const DASH_PX = 14;                 // period of a schematic dash, in screen pixels at the zoom of the build
  const MAX_DASHED_GROUPS = 400;      // beyond this many ways on the map, schematic ones are only lighter, not dashed
  const KEY_RE = /^[0-9a-f]{8,64}$/;

  const $ = (id) => document.getElementById(id);
  const els = {
    root: $('player'), map: $('map'), base: $('map-base'), live: $('map-live'),
    status: $('status'), title: $('map-title'), legend: $('legend'),
    legendCats: $('legend-categories'), legendLines: $('legend-lines'), details: $('details'),
    detailsTitle: $('details-title'), detailsBody: $('details-body'), detailsClose: $('details-close'),
    attribution: $('attribution'), controls: $('controls'), play: $('play'), stepUnit: $('step-unit'),
    back: $('step-back'), forward: $('step-forward'), speed: $('speed'), date: $('date'), time: $('time'),
    windowDays: $('window'), listWrap: $('list-wrap'), list: $('event-list'),
  };

  const state = {
    ready: false, mode: null, dataKey: null, t: 0, day: 0, date: '', playing: false, speed: 1,
    window: null, windowDays: 90, step: 'week', selected: null, focus: [], visibleEvents: 0, presenter: false,
    camera: null,
  };
  const stats = {frames: 0, frameMsMean: 0, frameMsMax: 0, frameMsTotal: 0, draws: 0, drawMsMean: 0,
    drawMsMax: 0, drawMsTotal: 0, rebuilds: 0, dataMs: 0, fps: 0};
  const labels = () => (L.labels ? L.labels.props.data.map((p) => p.label) : []);  // the place names drawn now
  const api = {state, stats, project, pathPoint, replay, labels, version: 1};
  window.__corridor = api;

  let deck = null;          // the live map: flows, points, places (redrawn every animation frame)
  let baseDeck = null;      // the basemap under it, redrawn only when the camera moves
  let Layers = null;        // deck.gl layer classes, taken from the layers createDeck built
  let FlyTo = null;         // FlyToInterpolator class, likewise
  let D = null;             // the prepared data
  let L = {};               // current layer instances by id
  let order = [];           // draw order of layer ids
  let opts = {show_controls: true, show_legend: true, show_details: false, show_list: false, presenter: false,
    report_keys: [], transition_ms: 1200, height: null};
  let lastArgs = null;
  let pendingArgs = null;
  let focusSet = null;      // Uint8Array over events, or null when nothing is focused
  let selectedEv = -1;
  let signature = '';
  let layerKeys = {};       // what the context and points layers were last made from (see rebuildVisible)
  let lastRebuild = 0;
  let rebuildDirty = false;
  let dashZoom = null;
  let rafId = 0;
  let lastFrameTs = 0;
  let drawStart = 0;
  let labelIds = {context: [], points: []};  // the groups the labels were last chosen for
  let labelTimer = null;
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

  /* ---------- Streamlit bridge (bridge.js) ---------- */
  const bridge = Bridge.makeBridge(window, document);
  const inStreamlit = bridge.inStreamlit;
  const reportHeight = () => bridge.reportHeight();
  /** Tell Python something the user did (never called during playback). */
  function send(kind, extra) {
    if (!D) return;
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

  /* ---------- data preparation ---------- */
  function prepare(payload, key) {
    const t0 = performance.now();
    cal = T.calendar(payload.epoch);
    const ev = payload.events;
    const n = ev.id.length;
    const cats = payload.categories;
    const d = {
      key, payload, n, ev, range: payload.range, cats, catRgb: cats.map((c) => hexRgb(c.color)),
      conf: payload.confidence, src: payload.sources, style: payload.style,
      evT0: Int32Array.from(ev.t0), evT1: Int32Array.from(ev.t1), evIndex: new Map(),
      evFlow: new Int32Array(n).fill(-1), evPoint: new Int32Array(n).fill(-1),
    };
    ev.id.forEach((id, i) => d.evIndex.set(id, i));
    const pl = payload.places;
    d.places = pl.id.map((id, i) => ({i, id, name: pl.name[i], label: pl.label[i],  // model.style.place_label
      kind: pl.kind[i], position: [pl.lon[i], pl.lat[i]]}));
    d.placeById = new Map(d.places.map((p) => [p.id, p]));
    const ps = payload.paths;
    d.paths = ps.key.map((k, i) => {
      const xy = Float64Array.from(ps.xy[i]);
      const [a, b] = k.split('>');
      return {i, key: k, xy, frac: Float64Array.from(ps.frac[i]), schematic: !!ps.schematic[i], mode: ps.mode[i],
        from: d.placeById.get(a), to: d.placeById.get(b), pieces: null};
    });
    const fl = payload.flows;
    d.flows = fl.ev.map((e, i) => ({i, ev: e, path: fl.path[i], t0: fl.t0[i], t1: fl.t1[i], cat: fl.cat[i]}));
    d.flows.forEach((f) => { d.evFlow[f.ev] = f.i; });
    const pt = payload.points;
    d.points = pt.ev.map((e, i) => ({i, ev: e, place: d.places[pt.place[i]], cat: pt.cat[i],
      position: d.places[pt.place[i]].position}));
    d.points.forEach((p) => { d.evPoint[p.ev] = p.i; });
    d.trips = [];
    const repeats = Math.max(1, Math.min(MAX_TRIPS, Math.floor(TRIP_BUDGET / Math.max(1, d.flows.length))));
    for (const f of d.flows) {
      const path = d.paths[f.path];
      const {starts, dur} = T.tripStarts(f.t0, f.t1, TRIP_DAYS, TRIP_PERIOD, repeats);
      for (const s of starts) {
        const ts = new Float32Array(path.frac.length);
        for (let k = 0; k < ts.length; k++) ts[k] = s + path.frac[k] * dur;
        d.trips.push({flow: f.i, ev: f.ev, cat: f.cat, xy: path.xy, ts, start: s, end: s + dur});
      }
    }
    d.trips.sort((a, b) => a.start - b.start);
    d.tripBuckets = [];
    for (const trip of d.trips) {
      const k = Math.floor((trip.start - d.range[0]) / TRIP_BUCKET_DAYS);
      (d.tripBuckets[k] = d.tripBuckets[k] || []).push(trip);
    }
    // Flows on one way in one category draw the same faint line, and point events at one place in one category the
    // same dot: the context and points layers draw one item per such group (see visibleGroups).
    const nc = cats.length;
    d.flowEv = Int32Array.from(d.flows, (f) => f.ev);
    d.flowBase = Int32Array.from(d.flows, (f) => f.path * nc + f.cat);
    d.pointEv = Int32Array.from(d.points, (p) => p.ev);
    d.pointBase = Int32Array.from(d.points, (p) => p.place.i * nc + p.cat);
    d.groupCount = new Uint32Array(Math.max(d.paths.length, d.places.length) * nc * 2);
    d.sortedStarts = Float64Array.from(d.evT0).sort();
    d.sortedEnds = Float64Array.from(d.evT1).sort();
    d.shown = new Uint8Array(n);
    stats.dataMs = performance.now() - t0;
    return d;
  }

  /** Which events are on the map at ``day`` (time.js: as Python's layers.query.select time rule). */
  function visibility(day) { return T.visibilityKey(D.sortedStarts, D.sortedEnds, day, state.window); }
  function computeShown(day) { state.visibleEvents = T.shown(D.evT0, D.evT1, day, state.window, D.shown); }

  /* ---------- schematic dashes ---------- */
  function dashPieces(path, zoom) {
    const xy = path.xy; const fr = path.frac; const nv = fr.length;
    let lengthDeg = 0;
    for (let k = 1; k < nv; k++) lengthDeg += Math.hypot(xy[2 * k] - xy[2 * k - 2], xy[2 * k + 1] - xy[2 * k - 1]);
    const periodDeg = DASH_PX * 360 / (512 * Math.pow(2, zoom));
    const count = Math.max(2, Math.min(80, Math.round(lengthDeg / periodDeg)));
    const at = (f) => {
      let k = 1; while (k < nv - 1 && fr[k] < f) k++;
      const a = fr[k - 1]; const b = fr[k]; const u = b > a ? (f - a) / (b - a) : 0;
      return [xy[2 * k - 2] + u * (xy[2 * k] - xy[2 * k - 2]), xy[2 * k - 1] + u * (xy[2 * k + 1] - xy[2 * k - 1])];
    };
    const pieces = [];
    for (let j = 0; j < count; j++) {
      const f0 = j / count; const f1 = (j + 0.6) / count;
      const piece = [...at(f0)];
      for (let k = 0; k < nv; k++) if (fr[k] > f0 && fr[k] < f1) piece.push(xy[2 * k], xy[2 * k + 1]);
      piece.push(...at(f1));
      pieces.push(Float64Array.from(piece));
    }
    return pieces;
  }
  function piecesOf(path) {
    if (!path.schematic) return [path.xy];
    if (!path.pieces || path.piecesZoom !== dashZoom) {
      path.pieces = dashPieces(path, dashZoom);
      path.piecesZoom = dashZoom;
    }
    return path.pieces;
  }

  /* ---------- layers ---------- */
  function routeStyle(path) { return D.style.routes[path.schematic ? 'schematic' : 'sourced']; }

  /** Ids (sorted) of the groups with an event on the map now: (way or place, category) * 2 + in focus. */
  function visibleGroups(base, evOf) {
    const count = D.groupCount; const shown = D.shown; const ids = [];
    for (let i = 0; i < base.length; i++) {
      const ev = evOf[i];
      if (!shown[ev]) continue;
      const g = base[i] * 2 + (focusSet ? focusSet[ev] : 1);
      if (count[g]++ === 0) ids.push(g);
    }
    for (const g of ids) count[g] = 0;
    return Int32Array.from(ids).sort();
  }
  /** The events on the map now in a group (for picking and tooltips: computed when asked, not per frame). */
  function groupEvents(group) {
    const points = group.kind === 'points';
    const base = points ? D.pointBase : D.flowBase; const evOf = points ? D.pointEv : D.flowEv;
    const out = [];
    for (let i = 0; i < base.length; i++) {
      const ev = evOf[i];
      if (D.shown[ev] && base[i] * 2 + (focusSet ? focusSet[ev] : 1) === group.gid) out.push(ev);
    }
    return out;
  }
  function contextData(ids) {
    const nc = D.cats.length; const items = [];
    const dashed = ids.length <= MAX_DASHED_GROUPS;
    for (const gid of ids) {
      const b = gid >> 1;
      const group = {kind: 'context', gid, path: D.paths[Math.floor(b / nc)], cat: b % nc, focused: gid & 1};
      const st = routeStyle(group.path);
      const color = rgba(D.catRgb[group.cat], group.focused ? st.alpha : st.alpha * D.style.dim);
      for (const xy of dashed ? piecesOf(group.path) : [group.path.xy]) items.push({xy, group, color, width: st.width});
    }
    return items;
  }
  function pointData(ids) {
    const nc = D.cats.length;
    return Array.from(ids, (gid) => {
      const b = gid >> 1; const place = D.places[Math.floor(b / nc)];
      return {kind: 'points', gid, place, cat: b % nc, focused: gid & 1, position: place.position};
    });
  }

  function makeContext(ids) {
    return new Layers.PathLayer({
      id: 'context', data: contextData(ids), getPath: (d) => d.xy, positionFormat: 'XY', getColor: (d) => d.color,
      getWidth: (d) => d.width, widthUnits: 'pixels', widthMinPixels: 1, capRounded: true, _pathType: 'open',
      pickable: true,
    });
  }
  /** The trips layers: one per TRIP_BUCKET_DAYS of trip starts, all made once (deck.gl computes their attributes
   * once), and only those whose trips can show at time t visible. Every trip drawn costs its whole path in fragments
   * (the shader discards what is outside the trail), so only those are drawn; and moving the time only clones layers
   * with a new currentTime and visibility, never recomputes their attributes (which at 100,000 flows took ~100 ms). */
  function tripsVisible(k, t) {
    const lo = D.range[0] + k * TRIP_BUCKET_DAYS;
    const trail = D.style.trail_days || 21;
    return t >= lo && t <= lo + TRIP_BUCKET_DAYS + TRIP_DAYS + trail;
  }
  function makeTrips() {
    const layers = [];
    D.tripBuckets.forEach((data, k) => {
      if (!data) return;
      layers.push(new Layers.TripsLayer({
        id: `trips-${k}`, data, getPath: (d) => d.xy, positionFormat: 'XY', getTimestamps: (d) => d.ts,
        getColor: (d) => rgba(D.catRgb[d.cat], focusAlpha(d.ev, 255)), getWidth: state.presenter ? 6 : 4,
        widthUnits: 'pixels', widthMinPixels: 2, capRounded: true, jointRounded: true, fadeTrail: true,
        trailLength: D.style.trail_days || 21, currentTime: state.t, _pathType: 'open', pickable: true,
        visible: tripsVisible(k, state.t), bucket: k, updateTriggers: {getColor: focusVersion},
      }));
    });
    return layers;
  }
  function moveTrips(t) {
    return L.trips.map((layer) => {
      const visible = tripsVisible(layer.props.bucket, t);
      return visible || layer.props.visible ? layer.clone({currentTime: t, visible}) : layer;
    });
  }
  function makePoints(ids) {
    return new Layers.ScatterplotLayer({
      id: 'points', data: pointData(ids), getPosition: (d) => d.position,
      getFillColor: (d) => rgba(D.catRgb[d.cat], d.focused ? 235 : 235 * D.style.dim), getLineColor: [255, 255, 255, 220],
      stroked: true, lineWidthUnits: 'pixels', getLineWidth: 1, radiusUnits: 'pixels',
      getRadius: state.presenter ? 9 : 6, pickable: true,
    });
  }
  function makeSelection() {
    const ev = selectedEv;
    const flows = []; const points = [];
    if (D && ev >= 0) {
      if (D.evFlow[ev] >= 0) flows.push(D.flows[D.evFlow[ev]]);
      if (D.evPoint[ev] >= 0) points.push(D.points[D.evPoint[ev]]);
    }
    const color = (d) => rgba(D.catRgb[d.cat], 255);
    return [
      new Layers.PathLayer({id: 'selected-halo', data: flows, getPath: (d) => D.paths[d.path].xy, positionFormat: 'XY',
        getColor: [255, 255, 255, 230], getWidth: 9, widthUnits: 'pixels', capRounded: true, jointRounded: true,
        _pathType: 'open'}),
      new Layers.PathLayer({id: 'selected-path', data: flows, getPath: (d) => D.paths[d.path].xy, positionFormat: 'XY',
        getColor: color, getWidth: 5, widthUnits: 'pixels', capRounded: true, jointRounded: true, _pathType: 'open'}),
      new Layers.ScatterplotLayer({id: 'selected-point', data: points, getPosition: (d) => d.position,
        filled: false, stroked: true, getLineColor: [20, 20, 20, 255], lineWidthUnits: 'pixels', getLineWidth: 3,
        radiusUnits: 'pixels', getRadius: 12}),
    ];
  }
  function makePlaces() {
    return new Layers.ScatterplotLayer({id: 'places', data: D.places, getPosition: (d) => d.position,
      getFillColor: rgba(hexRgb(D.style.basemap.label), 230), radiusUnits: 'pixels', getRadius: 3, pickable: true});
  }
  /** Labels of the capitals and of the places the events on the map now start, end or happen at. */
  function makeLabels(contextIds, pointIds) {
    const nc = D.cats.length;
    const on = new Uint8Array(D.places.length);
    for (const p of D.places) if (p.kind === 'capital') on[p.i] = 1;
    const first = new Uint8Array(D.places.length);  // the places of a focus win a place for their label
    for (const gid of contextIds) {
      const path = D.paths[Math.floor((gid >> 1) / nc)];
      for (const end of [path.from, path.to]) if (end) { on[end.i] = 1; if (focusSet && gid & 1) first[end.i] = 1; }
    }
    for (const gid of pointIds) {
      const i = Math.floor((gid >> 1) / nc);
      on[i] = 1;
      if (focusSet && gid & 1) first[i] = 1;
    }
    labelIds = {context: contextIds, points: pointIds};
    const shown = declutter(D.places.filter((p) => on[p.i]), first);
    const key = `${state.presenter}|${shown.map((p) => p.i).join(',')}`;
    if (L.labels && L.labels.props.labelKey === key) return L.labels;
    const label = hexRgb(D.style.basemap.label);
    return new Layers.TextLayer({labelKey: key, id: 'labels', data: shown,
      getPosition: (d) => d.position, getText: (d) => d.label, getSize: state.presenter ? 17 : 12,
      getColor: rgba(label, 255), getTextAnchor: 'start', getAlignmentBaseline: 'center', getPixelOffset: [6, 0],
      characterSet: 'auto',
      fontFamily: 'system-ui, "Segoe UI", Roboto, Arial, sans-serif', background: true,
      getBackgroundColor: [255, 255, 255, 170], backgroundPadding: [2, 0]});
  }
  /** The labels that fit on screen without overlapping, the more important places first (those of the focus,
   * then by kind, then file order); a hidden label's place keeps its dot and its tooltip. All of them before the
   * map has a viewport. */
  function declutter(places, first) {
    const viewport = liveViewport();
    if (!viewport) return places;
    const size = state.presenter ? 17 : 12;
    // labels.js; the order of kinds is layers.model.style.LABEL_KIND_ORDER, through the payload
    const kept = Labels.declutter(places, first, D.style.label_kinds, (pos) => viewport.project(pos), size);
    stats.labels = {shown: kept.length, hidden: places.length - kept.length};
    return kept;
  }
  /** The live map's viewport, or null before deck.gl has drawn it once (it asserts when asked before). */
  function liveViewport() {
    return deck && deck.isInitialized ? deck.getViewports()[0] || null : null;
  }
  /** Choose the labels again once the camera has settled. */
  function relabelSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(() => {
      if (!D || !deck) return;
      if (!liveViewport()) { relabelSoon(); return; }  // not drawn yet
      const labels = makeLabels(labelIds.context, labelIds.points);
      if (labels !== L.labels) { L.labels = labels; push(); }
    }, LABEL_SETTLE_MS);
  }
  function makeCountries() {
    const b = D.style.basemap;
    return new Layers.GeoJsonLayer({
      id: 'countries', data: D.payload.countries, filled: true, stroked: true, getFillColor: rgba(hexRgb(b.land), 255),
      getLineColor: rgba(hexRgb(b.border), 255), lineWidthUnits: 'pixels', getLineWidth: 1, lineWidthMinPixels: 1,
      pickable: false,
    });
  }
  /** The session's uploaded layers (payload.overlays), drawn as they are; their text shows in the tooltip. */
  function makeOverlay() {
    if (!D.payload.overlays) return null;
    return new Layers.GeoJsonLayer({
      id: 'overlay', data: D.payload.overlays, filled: true, stroked: true, pointType: 'circle',
      getFillColor: [60, 60, 60, 70], getLineColor: [40, 40, 40, 220], lineWidthUnits: 'pixels', getLineWidth: 2,
      pointRadiusUnits: 'pixels', getPointRadius: 5, pickable: true,
    });
  }
  let focusVersion = 0;

  function buildAll() {
    if (baseDeck) baseDeck.setProps({layers: [makeCountries()]});
    L = {overlay: makeOverlay(), context: null, trips: makeTrips(), points: null};
    [L['selected-halo'], L['selected-path'], L['selected-point']] = makeSelection();
    L.places = makePlaces();
    order = ['overlay', 'context', 'trips', 'points', 'selected-halo', 'selected-path', 'selected-point',
      'places', 'labels'];
    rebuildVisible(true);
    relabelSoon();
  }
  function rebuildVisible(force) {
    const sig = visibility(state.day);
    if (!force && sig === signature) return false;
    signature = sig;
    computeShown(state.day);
    // The context and points layers are made anew only when their groups change (or the focus, the dash zoom, the
    // presenter size): a new layer makes deck.gl recompute all its attributes, the costliest part of a frame.
    const contextIds = visibleGroups(D.flowBase, D.flowEv);
    const pointIds = visibleGroups(D.pointBase, D.pointEv);
    const common = `${focusVersion}|${dashZoom}|${state.presenter}|`;
    const keys = {context: common + contextIds.join(','), points: common + pointIds.join(',')};
    if (!L.context || keys.context !== layerKeys.context) L.context = makeContext(contextIds);
    if (!L.points || keys.points !== layerKeys.points) L.points = makePoints(pointIds);
    layerKeys = keys;
    L.labels = makeLabels(contextIds, pointIds);
    stats.rebuilds++;
    stats.drawn = {context: L.context.props.data.length, points: L.points.props.data.length,
      trips: (L.trips || []).reduce((n, layer) => n + (layer.props.visible ? layer.props.data.length : 0), 0)};
    lastRebuild = performance.now();
    rebuildDirty = false;
    if (!state.playing) renderList();
    return true;
  }
  function push() {
    if (deck) deck.setProps({layers: order.map((id) => L[id])});
  }

  /* ---------- time ---------- */
  function setTime(t, playing) {
    const [lo, hi] = D.range;
    t = Math.max(lo, Math.min(hi, t));
    state.t = t;
    const day = Math.floor(t);
    if (day !== state.day || !state.date) {
      state.day = day;
      state.date = isoDay(day);
      els.time.value = String(day);
      const label = dayLabel(day);
      const text = state.window ? `${dayLabel(day - state.window)} – ${label}` : `up to ${label}`;
      els.date.textContent = text;
      els.time.setAttribute('aria-valuetext', label);
    }
    const sig = visibility(state.day);
    if (sig !== signature) {
      if (!playing || performance.now() - lastRebuild >= REBUILD_EVERY_MS) rebuildVisible(true);
      else rebuildDirty = true;
    } else if (rebuildDirty && performance.now() - lastRebuild >= REBUILD_EVERY_MS) {
      rebuildVisible(true);
    }
    L.trips = moveTrips(t);
    push();
  }

  function frame(now) {
    rafId = 0;
    if (!state.playing) return;
    const dt = lastFrameTs ? Math.min(now - lastFrameTs, 250) : 0;
    lastFrameTs = now;
    const start = performance.now();
    const end = D.range[1];
    const t = Math.min(end, state.t + (dt / 1000) * DAYS_PER_SECOND * state.speed);
    setTime(t, true);
    const ms = performance.now() - start;
    stats.frames++;
    stats.frameMsTotal += ms;
    stats.frameMsMean = stats.frameMsTotal / stats.frames;
    stats.frameMsMax = Math.max(stats.frameMsMax, ms);
    fpsFrames++;
    if (now - fpsSince >= 1000) { stats.fps = (fpsFrames * 1000) / (now - fpsSince); fpsFrames = 0; fpsSince = now; }
    if (t >= end) pause('end');
    else rafId = requestAnimationFrame(frame);
  }

  /** For benchmarks: the JS ms of ``frames`` animation frames at 60 fps and ``speed``, replayed with deck.gl's
   * drawing paused (so a slow software renderer does not set how often the visible sets are rebuilt). Each frame
   * does what frame() does: move the time, rebuild what became visible (at most every REBUILD_EVERY_MS), set the
   * layers. The time and the drawing are restored afterwards. */
  function replay(frames, speed) {
    if (!D || !deck) return null;
    const loop = deck.animationLoop;
    const before = {t: state.t, playing: state.playing};
    if (state.playing) pause(null);
    if (loop) loop.stop();
    state.playing = true;  // as while playing (no event list rendering); no animation frame is requested
    const step = (1 / 60) * DAYS_PER_SECOND * (speed || 1);
    const times = [];
    let next = performance.now();
    for (let i = 0; i < frames; i++) {
      while (performance.now() < next);  // 60 fps timing
      next += 1000 / 60;
      const start = performance.now();
      setTime(D.range[0] + ((state.t + step - D.range[0]) % (D.range[1] - D.range[0])), true);
      times.push(performance.now() - start);
    }
    state.playing = false;
    if (loop) loop.start();
    setTime(before.t, false);
    push();
    if (before.playing) play();
    return times;
  }
  function play() {
    if (!D || state.playing) return;
    if (state.t >= D.range[1]) setTime(D.range[0], false);
    state.playing = true;
    els.date.setAttribute('aria-busy', 'true');
    els.play.textContent = 'Pause';
    els.play.setAttribute('aria-label', 'Pause');
    els.play.setAttribute('aria-pressed', 'true');
    lastFrameTs = 0;
    fpsFrames = 0; fpsSince = performance.now();
    rafId = requestAnimationFrame(frame);
  }
  function pause(reason) {
    if (!state.playing) return;
    state.playing = false;
    if (rafId) cancelAnimationFrame(rafId);
    rafId = 0;
    els.play.textContent = 'Play';
    els.play.setAttribute('aria-label', 'Play');
    els.play.setAttribute('aria-pressed', 'false');
    els.date.removeAttribute('aria-busy');
    rebuildVisible(true);
    push();
    renderList();
    if (reason) send(reason === 'end' ? 'pause' : reason);
  }
  function stepBy(direction) {
    if (!D) return;
    const wasPlaying = state.playing;
    if (wasPlaying) pause(null);
    const unit = els.stepUnit.value;
    let day;
    if (unit === 'month') {
      const d = dayToDate(state.day);
      const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + direction, d.getUTCDate()));
      day = dateToDay(target);
    } else {
      day = state.day + direction * (unit === 'week' ? 7 : 1);
    }
    setTime(day, false);
    renderList();
    send('step');
  }
  function setMode(windowDays, report) {
    state.window = windowDays || null;
    if (windowDays) state.windowDays = windowDays;
    for (const r of document.querySelectorAll('input[name="mode"]')) {
      r.checked = (r.value === 'window') === !!state.window;
    }
    els.windowDays.value = String(state.windowDays);
    els.windowDays.disabled = !state.window;
    state.date = '';
    if (D) { setTime(state.t, false); rebuildVisible(true); push(); }
    if (report) send('mode');
  }

  /* ---------- selection, focus, details ---------- */
  function setFocus(list) {
    state.focus = Array.isArray(list) ? list.slice() : [];
    focusVersion++;
    if (!D || !state.focus.length) { focusSet = null; } else {
      const wanted = new Set(state.focus);
      focusSet = new Uint8Array(D.n);
      for (let i = 0; i < D.n; i++) {
        focusSet[i] = wanted.has(D.ev.id[i]) || wanted.has(D.cats[D.ev.cat[i]].id) ? 1 : 0;
      }
    }
    if (D && deck && L.trips) { L.trips = makeTrips(); rebuildVisible(true); push(); }
  }
  function select(ev, report) {
    selectedEv = D && ev >= 0 && ev < D.n ? ev : -1;
    state.selected = selectedEv >= 0 ? D.ev.id[selectedEv] : null;
    if (!D) return;
    [L['selected-halo'], L['selected-path'], L['selected-point']] = makeSelection();
    push();
    renderDetails();
    if (report && state.selected) send('click', {event: state.selected});
  }

  function renderDetails() {
    const show = opts.show_details && selectedEv >= 0;
    els.details.hidden = !show;
    if (!show) return;
    const e = D.ev; const i = selectedEv;
    els.detailsTitle.textContent = e.title[i];
    const body = els.detailsBody;
    body.replaceChildren();
    const dl = el('dl');
    const row = (k, v) => { if (v) { dl.append(el('dt', k), el('dd', v)); } };
    const words = {day: 'to the day', month: 'to the month', year: 'to the year', approx: 'approximate'};
    const precision = words[e.precision[i]];
    row('Date', precision ? `${e.date[i]} (${precision})` : e.date[i]);
    row('Category', D.cats[e.cat[i]].label);
    const conf = D.conf[e.conf[i]];
    row('Confidence', `${conf.id}: ${conf.label}`);
    if (e.qty[i] || e.unit[i]) row('Quantity (as stated)', [e.qty[i], e.unit[i]].filter(Boolean).join(' '));
    row('Actors', (e.actors[i] || []).join('; '));
    const f = D.evFlow[i] >= 0 ? D.flows[D.evFlow[i]] : null;
    if (f) {
      const p = D.paths[f.path];
      row('From → to', `${p.from ? p.from.name : '?'} → ${p.to ? p.to.name : '?'}`);
      row('Route', p.schematic ? 'schematic (the way is not sourced)' : 'sourced route');
    } else if (D.evPoint[i] >= 0) {
      row('Place', D.points[D.evPoint[i]].place.name);
    }
    body.append(dl);
    if (e.disputed[i]) {
      const box = el('p', null, 'disputed');
      box.append(el('strong', 'Disputed: '), document.createTextNode(e.disputed[i]));
      body.append(box);
    }
    if (e.summary[i]) body.append(el('p', e.summary[i]));
    const ids = e.src[i] || [];
    if (ids.length) {
      body.append(el('h3', 'Sources'));
      const ul = el('ul');
      for (const s of ids) {
        const li = el('li');
        const label = [D.src.outlet[s], D.src.date[s]].filter(Boolean).join(', ');
        const url = safeUrl(D.src.url[s]);
        if (url) {
          const a = el('a', label);
          a.href = url; a.target = '_blank'; a.rel = 'noopener noreferrer';
          li.append(a);
        } else {
          li.append(el('span', label));
        }
        if (D.src.title[s]) li.append(document.createTextNode(`: ${D.src.title[s]}`));
        ul.append(li);
      }
      body.append(ul);
    }
  }

  function renderList() {
    if (!opts.show_list || !D) { els.listWrap.hidden = true; return; }
    els.listWrap.hidden = false;
    const items = [];
    for (let i = 0; i < D.n; i++) if (D.shown[i]) items.push(i);
    items.sort((a, b) => D.evT0[b] - D.evT0[a]);
    els.list.replaceChildren(...items.map((i) => {
      const li = el('li');
      const b = el('button', `${D.ev.date[i]}: ${D.ev.title[i]} (${D.cats[D.ev.cat[i]].label})`);
      b.type = 'button';
      if (i === selectedEv) b.setAttribute('aria-current', 'true');
      b.addEventListener('click', () => select(i, true));
      li.append(b);
      return li;
    }));
  }

  function renderLegend() {
    const present = new Set(D.ev.cat);
    els.legendCats.replaceChildren(...D.cats.filter((c, i) => present.has(i)).map((c) => {
      const li = el('li');
      const sw = el('span', null, 'swatch');
      sw.style.background = c.color;
      li.append(sw, el('span', c.label));
      return li;
    }));
    const r = D.style.routes;
    const lines = [
      ['line trip', 'A flow: the bright head moves from origin to destination'],
      ['line', r.sourced.label],
      ['line dashed', r.schematic.label],
      ['dot', 'An event at one place'],
      ['dot place', 'A place'],
    ];
    els.legendLines.replaceChildren(...lines.map(([cls, text]) => {
      const li = el('li');
      li.append(el('span', null, cls), el('span', text));
      return li;
    }));
    els.attribution.textContent = D.style.attribution || '';
  }

  /* ---------- tooltips and picking ---------- */
  function eventOf(info) {
    const o = info && info.object;
    if (!o || !info.layer) return -1;
    if (info.layer.id.startsWith('trips-')) return o.ev;
    switch (info.layer.id) {
      case 'context': case 'points':
        return groupEvents(o.group || o).reduce((best, e) => (best < 0 || D.evT0[e] >= D.evT0[best] ? e : best), -1);
      default: return -1;
    }
  }
  function tooltip(info) {
    if (!info || !info.object || !D) return null;
    if (info.layer.id === 'places') return {text: `${info.object.name} (${info.object.kind.replace('_', ' ')})`};
    if (info.layer.id === 'overlay') {
      const p = info.object.properties || {};
      return {text: `${p.layer}\n${p.text}`, style: {whiteSpace: 'pre-wrap', maxWidth: '360px', fontSize: '13px',
        background: 'rgba(255,255,255,0.96)', color: '#222', padding: '6px 8px', borderRadius: '4px'}};
    }
    const ev = eventOf(info);
    if (ev < 0) return null;
    const lines = [D.ev.title[ev], `${D.ev.date[ev]} · ${D.cats[D.ev.cat[ev]].label}`];
    const grouped = info.layer.id === 'context' || info.layer.id === 'points';
    const many = grouped ? groupEvents(info.object.group || info.object).length : 0;
    const where = info.layer.id === 'points' ? 'here' : 'on this way';
    if (many > 1) lines.push(`${many} events ${where}; click for the latest`);
    return {text: lines.join('\n'), style: {fontSize: state.presenter ? '18px' : '13px', maxWidth: '360px',
      whiteSpace: 'pre-wrap', background: 'rgba(255,255,255,0.96)', color: '#222', padding: '6px 8px',
      borderRadius: '4px', boxShadow: '0 1px 4px rgba(0,0,0,0.3)'}};
  }
  function onClick(info) {
    const ev = eventOf(info);
    if (ev >= 0) select(ev, true);
  }

  /* ---------- camera ---------- */
  function currentCamera() {
    if (state.camera) return state.camera;
    return D && D.payload.view ? D.payload.view.camera : {longitude: 95, latitude: 50, zoom: 2.3, pitch: 0, bearing: 0};
  }
  function roundCamera(c) {
    const r = (v, k) => Math.round(v * k) / k;
    return {longitude: r(c.longitude, 1e4), latitude: r(c.latitude, 1e4), zoom: r(c.zoom, 1e3),
      pitch: r(c.pitch || 0, 10), bearing: r(c.bearing || 0, 10)};
  }
  function closeCamera(a, b) {
    if (!a || !b) return false;
    return Math.abs(a.longitude - b.longitude) < 0.01 && Math.abs(a.latitude - b.latitude) < 0.01 &&
      Math.abs(a.zoom - b.zoom) < 0.01 && Math.abs((a.pitch || 0) - (b.pitch || 0)) < 0.5 &&
      Math.abs((a.bearing || 0) - (b.bearing || 0)) < 0.5;
  }
  function flyTo(camera, ms) {
    if (!deck || !camera) return;
    const target = {longitude: +camera.longitude, latitude: +camera.latitude, zoom: +camera.zoom,
      pitch: +(camera.pitch || 0), bearing: +(camera.bearing || 0)};
    if (![target.longitude, target.latitude, target.zoom].every(Number.isFinite)) return;
    state.camera = target;
    reportedCamera = roundCamera(target);
    if (ms > 0 && FlyTo) {
      flying = true;
      deck.setProps({initialViewState: Object.assign({}, target, {transitionDuration: ms,
        transitionInterpolator: new FlyTo(), onTransitionEnd: () => { flying = false; relabelSoon(); }})});
    } else {
      deck.setProps({initialViewState: Object.assign({}, target)});
      followCamera(target);
    }
    updateDashes(target.zoom);
  }
  /** Keep the basemap under the live map. */
  function followCamera(c) {
    if (baseDeck) {
      baseDeck.setProps({viewState: {longitude: c.longitude, latitude: c.latitude, zoom: c.zoom, pitch: c.pitch || 0,
        bearing: c.bearing || 0}});
    }
  }
  function onViewStateChange({viewState, interactionState}) {
    state.camera = {longitude: viewState.longitude, latitude: viewState.latitude, zoom: viewState.zoom,
      pitch: viewState.pitch, bearing: viewState.bearing};
    followCamera(state.camera);
    relabelSoon();
    if (flying || (interactionState && interactionState.inTransition)) return;
    clearTimeout(cameraTimer);
    cameraTimer = setTimeout(() => {
      updateDashes(state.camera.zoom);
      if (state.playing) return;
      const c = roundCamera(state.camera);
      if (!closeCamera(c, reportedCamera)) { reportedCamera = c; send('camera'); }
    }, CAMERA_REPORT_MS);
  }
  function updateDashes(zoom) {
    const z = Math.round(zoom * 2) / 2;
    if (dashZoom === z) return;
    dashZoom = z;
    if (D && deck) { rebuildVisible(true); push(); }
  }

  /* ---------- deck ---------- */
  function startDeck(camera) {
    if (typeof window.createDeck !== 'function') {
      setStatus('The map library (deck.min.js) did not load.');
      return false;
    }
    const probe = (type, id) => ({'@@type': type, id, data: []});
    const json = {
      initialViewState: Object.assign({}, camera, {transitionInterpolator: {'@@type': 'FlyToInterpolator'}}),
      views: [{'@@type': 'MapView', controller: true}],
      layers: [probe('GeoJsonLayer', 'c'), probe('PathLayer', 'p'), probe('TripsLayer', 't'),
        probe('ScatterplotLayer', 's'), probe('TextLayer', 'x')],
    };
    // Two decks: on software WebGL the basemap's outlines cost most of a frame, so it gets its own canvas that
    // redraws only when the camera moves; the live deck above it redraws every animation frame.
    baseDeck = window.createDeck({container: els.base, jsonInput: {initialViewState: Object.assign({}, camera),
      views: [{'@@type': 'MapView', controller: false}], layers: []}, tooltip: false, showError: true});
    deck = window.createDeck({container: els.live, jsonInput: json, tooltip: false, showError: true});
    if (!deck || !baseDeck) { setStatus('The map could not start (no WebGL?).'); return false; }
    followCamera(camera);
    Layers = {};
    for (const layer of deck.props.layers || []) Layers[layer.constructor.layerName] = layer.constructor;
    const interp = deck.props.initialViewState && deck.props.initialViewState.transitionInterpolator;
    FlyTo = interp && typeof interp === 'object' ? interp.constructor : null;
    deck.setProps({
      initialViewState: Object.assign({}, camera),
      getTooltip: tooltip, onClick, onViewStateChange,
      onBeforeRender: () => { drawStart = performance.now(); },
      onAfterRender: () => {
        const ms = performance.now() - drawStart;
        stats.draws++; stats.drawMsTotal += ms; stats.drawMsMean = stats.drawMsTotal / stats.draws;
        stats.drawMsMax = Math.max(stats.drawMsMax, ms);
      },
      onError: (err) => { setStatus(`Map error: ${err && err.message ? err.message : err}`); },
    });
    state.camera = Object.assign({}, camera);
    dashZoom = Math.round(camera.zoom * 2) / 2;
    return true;
  }

  /** Install new data (a new key): keep time, speed, mode and camera. */
  function useData(payload, key) {
    const first = !D;
    const wasPlaying = state.playing;
    if (wasPlaying) pause(null);
    D = prepare(payload, key);
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
    els.controls.hidden = !opts.show_controls;
    els.legend.hidden = !opts.show_legend;
    if (opts.height) els.map.style.height = `${Math.max(200, Math.min(4000, +opts.height))}px`;
    if (!state.legendFolded) {  // once: a short map starts with its legend folded, so the legend hides no flows
      state.legendFolded = true;
      els.legend.open = (+opts.height || els.map.clientHeight || window.innerHeight) >= LEGEND_OPEN_MIN_PX;
    }
    if (opts.title) { els.title.hidden = false; els.title.textContent = opts.title; } else { els.title.hidden = true; }
    if (D && deck) { buildAll(); push(); renderDetails(); renderList(); }
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
    if (first || forced || !same(a.focus, prev.focus)) setFocus(a.focus || []);
    if ((first || forced || !same(a.date, prev.date)) && a.date !== undefined) {
      const day = a.date === null ? D.range[1] : +a.date;
      if (Number.isFinite(day) && Math.floor(state.t) !== day) { pause(null); setTime(day, false); renderList(); }
    }
    if ((first || forced || !same(a.camera, prev.camera)) && a.camera) {
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
  }

  const OPTION_KEYS = ['show_controls', 'show_legend', 'show_details', 'show_list', 'presenter', 'report_keys',
    'transition_ms', 'height', 'title'];
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
        if (loading !== data.key) return;
        loading = null;
        const firstData = !D;
        if (!useData(payload, data.key)) return;
        const a = pendingArgs;
        applyView(a, firstData ? null : lastArgs);
        lastArgs = a;
        reportHeight();
      })
      .catch((err) => { loading = null; setStatus(`The map data could not be loaded (${err.message}).`); });
  }

  /* ---------- controls ---------- */
  function wireControls() {
    els.play.addEventListener('click', () => (state.playing ? pause('pause') : play()));
    els.back.addEventListener('click', () => stepBy(-1));
    els.forward.addEventListener('click', () => stepBy(1));
    els.stepUnit.addEventListener('change', () => {
      const u = els.stepUnit.value;
      els.back.setAttribute('aria-label', `Step back one ${u}`);
      els.forward.setAttribute('aria-label', `Step forward one ${u}`);
    });
    els.speed.addEventListener('change', () => { state.speed = +els.speed.value || 1; });
    els.time.addEventListener('input', () => {
      if (!D) return;
      if (state.playing) pause(null);
      setTime(+els.time.value, false);
    });
    els.time.addEventListener('change', () => { if (D) { renderList(); send('seek'); } });
    for (const r of document.querySelectorAll('input[name="mode"]')) {
      r.addEventListener('change', () => setMode(r.value === 'window' ? state.windowDays : null, true));
    }
    els.windowDays.addEventListener('change', () => {
      const w = Math.round(+els.windowDays.value);
      if (Number.isFinite(w) && w >= 1 && w <= D.style.max_window_days) setMode(w, true);
      else els.windowDays.value = String(state.windowDays);
    });
    els.detailsClose.addEventListener('click', () => select(-1, false));
    document.addEventListener('keydown', (e) => {
      const tag = (e.target && e.target.tagName) || '';
      if (['INPUT', 'SELECT', 'TEXTAREA'].includes(tag) || e.altKey || e.ctrlKey || e.metaKey) return;
      if ((opts.report_keys || []).includes(e.key)) { e.preventDefault(); send('key', {pressed: e.key}); return; }
      if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return;
      if (e.key === ' ' || e.key === 'k') { e.preventDefault(); if (state.playing) pause('pause'); else play(); }
      else if (e.key === 'ArrowLeft') { e.preventDefault(); stepBy(-1); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); stepBy(1); }
    });
  }

  /* ---------- helpers for tests and the benchmark ---------- */
  function project(lon, lat) {
    const vp = liveViewport();
    if (!vp) return null;
    const [x, y] = vp.project([lon, lat]);
    const r = els.map.getBoundingClientRect();
    return [r.left + x, r.top + y];
  }
  /** Screen point ``frac`` of the way along an event's path (a flow), or at its place (a point event). */
  function pathPoint(eventId, frac) {
    if (!D || !D.evIndex.has(eventId)) return null;
    const ev = D.evIndex.get(eventId);
    if (D.evPoint[ev] >= 0) return project(...D.points[D.evPoint[ev]].position);
    if (D.evFlow[ev] < 0) return null;
    const p = D.paths[D.flows[D.evFlow[ev]].path];
    const f = Math.max(0, Math.min(1, frac === undefined ? 0.5 : frac));
    let k = 1; while (k < p.frac.length - 1 && p.frac[k] < f) k++;
    const a = p.frac[k - 1]; const b = p.frac[k]; const u = b > a ? (f - a) / (b - a) : 0;
    return project(p.xy[2 * k - 2] + u * (p.xy[2 * k] - p.xy[2 * k - 2]),
      p.xy[2 * k - 1] + u * (p.xy[2 * k + 1] - p.xy[2 * k - 1]));
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
      if (!useData(payload, payload.key || 'inline')) return;
      applyView({date: view.date, window: view.window, camera: view.camera, focus: view.focus,
        selected: view.selected}, null);
      return;
    }
    if (!inStreamlit) { setStatus('No map data: open this player from the app or an exported file.'); return; }
    state.mode = 'streamlit';
    bridge.listen(onRender);
    if (typeof ResizeObserver === 'function') new ResizeObserver(reportHeight).observe(els.root);
    reportHeight();
  }

  start();
})();
