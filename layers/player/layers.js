/* Corridor player: the deck.gl layers (basemap, context lines, trips, points, places and labels), the camera and
 * picking. */
'use strict';

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
  const k = sizeScale();
  return new Layers.PathLayer({
    id: 'context', data: contextData(ids), getPath: (d) => d.xy, positionFormat: 'XY', getColor: (d) => d.color,
    getWidth: (d) => d.width * k, widthUnits: 'pixels', widthMinPixels: 1, capRounded: true, _pathType: 'open',
    pickable: true,
  });
}
/** The dark casing under every way on the map (solid under dashes): what gives a colour its contrast against
 * the pale land and sea (layers.model.legibility). None on a theme without a casing. */
function makeCasing(ids) {
  const casing = theme().basemap.casing;
  if (!casing) return null;
  const rgb = hexRgb(casing); const k = sizeScale(); const pad = 2 * D.style.casing_px;
  const nc = D.cats.length;
  const data = Array.from(ids, (gid) => {
    const b = gid >> 1; const path = D.paths[Math.floor(b / nc)];
    const group = {kind: 'context', gid, path, cat: b % nc, focused: gid & 1};
    return {xy: path.xy, group, color: rgba(rgb, gid & 1 ? 255 : 255 * D.style.dim),
      width: routeStyle(path).width * k + pad};
  });
  // pickable: the dark gaps between a schematic line's dashes are part of the line to a pointer too
  return new Layers.PathLayer({
    id: 'context-casing', data, getPath: (d) => d.xy, positionFormat: 'XY', getColor: (d) => d.color,
    getWidth: (d) => d.width, widthUnits: 'pixels', capRounded: true, jointRounded: true, _pathType: 'open',
    pickable: true,
  });
}
/** A point ``f`` of the way along a path, in lon/lat. */
function alongPath(path, f) {
  let k = 1; while (k < path.frac.length - 1 && path.frac[k] < f) k++;
  const a = path.frac[k - 1]; const b = path.frac[k]; const u = b > a ? (f - a) / (b - a) : 0;
  return [path.xy[2 * k - 2] + u * (path.xy[2 * k] - path.xy[2 * k - 2]),
    path.xy[2 * k - 1] + u * (path.xy[2 * k + 1] - path.xy[2 * k - 1])];
}
/** The category letters (style.GLYPHS, the second channel beside colour) of what is in focus: near the middle
 * of each way (categories sharing a way spread along it) and beside each event marker. */
function makeGlyphs(contextIds, pointIds) {
  const nc = D.cats.length; const k = sizeScale(); const items = [];
  const byPath = new Map();
  for (const gid of contextIds) {
    if (!(gid & 1)) continue;
    const b = gid >> 1; const p = Math.floor(b / nc);
    if (!byPath.has(p)) byPath.set(p, []);
    byPath.get(p).push(b % nc);
  }
  for (const [p, cats] of byPath) {
    cats.sort((a, b) => a - b);
    cats.forEach((cat, j) => {
      const f = 0.5 + (j - (cats.length - 1) / 2) * 0.12;
      items.push({position: alongPath(D.paths[p], f), cat, offset: [0, 0]});
    });
  }
  for (const gid of pointIds) {
    if (!(gid & 1)) continue;
    const b = gid >> 1;
    const r = 6 * k + 6;
    items.push({position: D.places[Math.floor(b / nc)].position, cat: b % nc, offset: [-r, -r]});
  }
  const t = theme().basemap;
  const halo = rgba(hexRgb(t.halo), 255 * D.style.halo_alpha);
  return new Layers.TextLayer({
    id: 'glyphs', data: items, getPosition: (d) => d.position, getText: (d) => D.cats[d.cat].glyph || '',
    getSize: 12 * k, getColor: rgba(hexRgb(t.label), 255), getPixelOffset: (d) => d.offset,
    fontFamily: 'system-ui, "Segoe UI", Roboto, Arial, sans-serif', fontWeight: 700, characterSet: 'auto',
    background: true, getBackgroundColor: halo, backgroundPadding: [3, 1], getBorderWidth: 2,
    getBorderColor: (d) => rgba(D.catRgb[d.cat], 255), getTextAnchor: 'middle', getAlignmentBaseline: 'center',
  });
}
/** The trips layers: one per TRIP_BUCKET_DAYS of trip starts, and only those whose trips can show at time t
 * visible. Every trip drawn costs its whole path in fragments (the shader discards what is outside the trail), so
 * only those are drawn; and moving the time only clones layers with a new currentTime and visibility, never
 * recomputes their attributes (which at 100,000 flows took ~100 ms). A layer's attributes are computed when deck.gl
 * first sees it, visible or not: so the first map gets only the buckets that show at its date, and the others are
 * made one at a time while the page is idle (fillTrips), or at once when the time reaches them first. */
function tripsVisible(k, t) {
  const lo = D.range[0] + k * TRIP_BUCKET_DAYS;
  const trail = D.style.trail_days || 21;
  return t >= lo && t <= lo + TRIP_BUCKET_DAYS + TRIP_DAYS + trail;
}
function makeTrip(k, t) {
  return new Layers.TripsLayer({
    id: `trips-${k}`, data: D.tripBuckets[k], getPath: (d) => d.xy, positionFormat: 'XY', getTimestamps: (d) => d.ts,
    getColor: (d) => rgba(D.catRgb[d.cat], focusAlpha(d.ev, 255)), getWidth: 4 * sizeScale(),
    widthUnits: 'pixels', widthMinPixels: 2, capRounded: true, jointRounded: true, fadeTrail: true,
    trailLength: D.style.trail_days || 21, currentTime: t, _pathType: 'open', pickable: true,
    visible: !reducedMotion() && tripsVisible(k, t), bucket: k, updateTriggers: {getColor: focusVersion},
  });
}
function makeTrips() {
  const layers = [];
  D.tripBuckets.forEach((data, k) => { if (data && tripsVisible(k, state.t)) layers.push(makeTrip(k, state.t)); });
  fillTripsSoon();
  return layers;
}
function moveTrips(t) {
  const still = reducedMotion();
  const made = new Set();
  const layers = L.trips.map((layer) => {
    made.add(layer.props.bucket);
    const visible = !still && tripsVisible(layer.props.bucket, t);
    return visible || layer.props.visible ? layer.clone({currentTime: t, visible}) : layer;
  });
  if (still) return layers;
  D.tripBuckets.forEach((data, k) => { if (data && !made.has(k) && tripsVisible(k, t)) layers.push(makeTrip(k, t)); });
  return layers;
}
/** Make the next trips layer not made yet (hidden), then the next, each in its own idle moment. */
function fillTripsSoon() {
  clearTimeout(fillTimer);
  fillTimer = setTimeout(() => {
    if (!D || !L.trips || !liveDeck) return;
    if (preview || !state.ready) { fillTripsSoon(); return; }  // the first map is not drawn yet
    const made = new Set(L.trips.map((layer) => layer.props.bucket));
    const k = D.tripBuckets.findIndex((data, j) => data && !made.has(j));
    if (k < 0) return;
    L.trips = [...L.trips, makeTrip(k, state.t)];
    push();
    fillTripsSoon();
  }, FILL_TRIPS_MS);
}
function makePoints(ids) {
  const t = theme().basemap;
  const casingRgb = hexRgb(t.casing || t.halo);
  return new Layers.ScatterplotLayer({
    id: 'points', data: pointData(ids), getPosition: (d) => d.position,
    getFillColor: (d) => rgba(D.catRgb[d.cat], d.focused ? 255 : 255 * D.style.dim),
    getLineColor: (d) => rgba(casingRgb, d.focused ? 255 : 255 * D.style.dim),
    stroked: true, lineWidthUnits: 'pixels', getLineWidth: D.style.casing_px * sizeScale(), radiusUnits: 'pixels',
    getRadius: 6 * sizeScale(), pickable: true,
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
    getFillColor: rgba(hexRgb(theme().basemap.label), 230), radiusUnits: 'pixels', getRadius: 3 * sizeScale(),
    pickable: true});
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
  const key = `${state.presenter}|${opts.theme}|${shown.map((p) => p.i).join(',')}`;
  if (L.labels && L.labels.props.labelKey === key) return L.labels;
  const t = theme().basemap;
  return new Layers.TextLayer({labelKey: key, id: 'labels', data: shown,
    getPosition: (d) => d.position, getText: (d) => d.label, getSize: labelSize(),
    getColor: rgba(hexRgb(t.label), 255), getTextAnchor: 'start', getAlignmentBaseline: 'center',
    getPixelOffset: [6 * sizeScale(), 0], characterSet: 'auto',
    fontFamily: 'system-ui, "Segoe UI", Roboto, Arial, sans-serif', background: true,
    getBackgroundColor: rgba(hexRgb(t.halo), 255 * D.style.halo_alpha), backgroundPadding: [2, 0]});
}
/** The labels that fit on screen without overlapping, the more important places first (those of the focus,
 * then by kind, then file order); a hidden label's place keeps its dot and its tooltip. All of them before the
 * map has a viewport. */
function declutter(places, first) {
  const viewport = liveViewport();
  if (!viewport) return places;
  const size = labelSize();
  // labels.js; the order of kinds is layers.model.style.LABEL_KIND_ORDER, through the payload
  const kept = Labels.declutter(places, first, D.style.label_kinds, (pos) => viewport.project(pos), size);
  stats.labels = {shown: kept.length, hidden: places.length - kept.length};
  return kept;
}
/** The live map's viewport, or null before deck.gl has drawn it once (it asserts when asked before). */
function liveViewport() {
  return liveDeck && liveDeck.isInitialized ? liveDeck.getViewports()[0] || null : null;
}
/** Choose the labels again once the camera has settled. */
function relabelSoon() {
  clearTimeout(labelTimer);
  labelTimer = setTimeout(() => {
    if (!D || !liveDeck) return;
    if (!liveViewport()) { relabelSoon(); return; }  // not drawn yet
    const labels = makeLabels(labelIds.context, labelIds.points);
    if (labels !== L.labels) { L.labels = labels; push(); }
  }, LABEL_SETTLE_MS);
}
/** Place names' size in pixels: larger in presenter mode, to be read from the back of a room. */
function labelSize() { return state.presenter ? 20 : 12; }
/** The basemap's layers lie in one plane: each draws over the last, with no depth test (a close-up's water box
 * and its land are coplanar, and depth precision let one triangle of the box win over the land). */
const FLAT = {depthCompare: 'always', depthWriteEnabled: false};
function makeCountries(zoom) {
  const b = theme().basemap;
  els.map.style.background = b.water;
  const layers = [new Layers.GeoJsonLayer({
    id: 'countries', data: D.payload.countries, filled: true, stroked: true, getFillColor: rgba(hexRgb(b.land), 255),
    getLineColor: rgba(hexRgb(b.border), 255), lineWidthUnits: 'pixels', getLineWidth: 1, lineWidthMinPixels: 1,
    pickable: false, parameters: FLAT,
  })];
  // 1:10m close-ups (payload.closeup, when sent): from min_zoom up, their boxes are painted water, then their land.
  const close = D.payload.closeup;
  closeupShown = !!(close && (zoom ?? currentCamera().zoom) >= close.min_zoom);
  if (close) {
    layers.push(new Layers.GeoJsonLayer({id: 'countries-closeup-water', data: close.boxes, filled: true,
      stroked: false, getFillColor: rgba(hexRgb(b.water), 255), visible: closeupShown, pickable: false, parameters: FLAT}));
    layers.push(new Layers.GeoJsonLayer({id: 'countries-closeup', data: close.land, filled: true, stroked: true,
      getFillColor: rgba(hexRgb(b.land), 255), getLineColor: rgba(hexRgb(b.border), 255), lineWidthUnits: 'pixels',
      getLineWidth: 1, lineWidthMinPixels: 1, visible: closeupShown, pickable: false, parameters: FLAT}));
  }
  return layers;
}
let closeupShown = false;
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
  D.catRgb = theme().colors.map(hexRgb);
  if (baseDeck) baseDeck.setProps({layers: makeCountries()});
  L = {overlay: makeOverlay(), context: null, trips: makeTrips(), points: null};
  [L['selected-halo'], L['selected-path'], L['selected-point']] = makeSelection();
  L.places = makePlaces();
  order = ['overlay', 'context-casing', 'context', 'trips', 'points', 'selected-halo', 'selected-path',
    'selected-point', 'places', 'labels', 'glyphs'];
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
  const common = `${focusVersion}|${dashZoom}|${state.presenter}|${opts.theme}|`;
  const keys = {context: common + contextIds.join(','), points: common + pointIds.join(',')};
  if (!L.context || keys.context !== layerKeys.context) {
    L.context = makeContext(contextIds);
    L['context-casing'] = makeCasing(contextIds);
  }
  if (!L.points || keys.points !== layerKeys.points) L.points = makePoints(pointIds);
  if (!L.glyphs || keys.context !== layerKeys.context || keys.points !== layerKeys.points) {
    L.glyphs = makeGlyphs(contextIds, pointIds);
  }
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
  if (liveDeck) liveDeck.setProps({layers: order.map((id) => L[id])});
}

/* ---------- tooltips and picking ---------- */
function eventOf(info) {
  const o = info && info.object;
  if (!o || !info.layer) return -1;
  if (info.layer.id.startsWith('trips-')) return o.ev;
  switch (info.layer.id) {
    case 'context': case 'context-casing': case 'points':
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
  const grouped = ['context', 'context-casing', 'points'].includes(info.layer.id);
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
  if (!liveDeck || !camera) return;
  const target = {longitude: +camera.longitude, latitude: +camera.latitude, zoom: +camera.zoom,
    pitch: +(camera.pitch || 0), bearing: +(camera.bearing || 0)};
  if (![target.longitude, target.latitude, target.zoom].every(Number.isFinite)) return;
  state.camera = target;
  reportedCamera = roundCamera(target);
  if (ms > 0 && FlyTo && !reducedMotion()) {
    flying = true;
    liveDeck.setProps({initialViewState: Object.assign({}, target, {transitionDuration: ms,
      transitionInterpolator: new FlyTo(), onTransitionEnd: () => { flying = false; relabelSoon(); }})});
  } else {
    liveDeck.setProps({initialViewState: Object.assign({}, target)});
    followCamera(target);
  }
  updateDashes(target.zoom);
}
/** Frame fitTarget's bounds (a view no one chose a camera for) in the map at its real size, with deck.gl's own
 * fitBounds (the camera Python sent was a guess made without knowing the size). */
function fitToMap(ms) {
  if (!fitTarget || !liveDeck) return;
  const [w, s, e, n] = fitTarget.bounds.map(Number);
  const width = els.map.clientWidth; const height = els.map.clientHeight;
  const view = (liveDeck.props.views || [])[0];
  if (![w, s, e, n].every(Number.isFinite) || !width || !height || !view || !view.makeViewport) return;
  const pad = Math.max(0, Math.min(+fitTarget.padding || 0, width / 4, height / 4));
  const fitted = view.makeViewport({width, height, viewState: {longitude: 0, latitude: 0, zoom: 1}})
    .fitBounds([[w, s], [e, n]], {padding: pad, maxZoom: 8});
  flyTo({longitude: fitted.longitude, latitude: fitted.latitude, zoom: fitted.zoom, pitch: 0, bearing: 0}, ms);
}
/** Keep the basemap under the live map. */
function followCamera(c) {
  if (baseDeck) {
    baseDeck.setProps({viewState: {longitude: c.longitude, latitude: c.latitude, zoom: c.zoom, pitch: c.pitch || 0,
      bearing: c.bearing || 0}});
    const close = D && D.payload.closeup;
    if (close && Layers && Layers.GeoJsonLayer && (c.zoom >= close.min_zoom) !== closeupShown) {  // crossed the close-ups' zoom: show or hide them
      baseDeck.setProps({layers: makeCountries(c.zoom)});
    }
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
  if (D && liveDeck) { rebuildVisible(true); push(); }
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
  if (baseDeck) {  // the preview (preview.js) stays until both decks have drawn the map
    baseDeck.setProps({onAfterRender: () => { if (baseDeck.props.layers.length) previewDrawn('base'); }});
  }
  liveDeck = window.createDeck({container: els.live, jsonInput: json, tooltip: false, showError: true});
  if (!liveDeck || !baseDeck) { setStatus('The map could not start (no WebGL?).'); return false; }
  followCamera(camera);
  Layers = {};
  for (const layer of liveDeck.props.layers || []) Layers[layer.constructor.layerName] = layer.constructor;
  const interp = liveDeck.props.initialViewState && liveDeck.props.initialViewState.transitionInterpolator;
  FlyTo = interp && typeof interp === 'object' ? interp.constructor : null;
  liveDeck.setProps({
    initialViewState: Object.assign({}, camera),
    getTooltip: tooltip, onClick, onViewStateChange,
    onBeforeRender: () => { drawStart = performance.now(); },
    onAfterRender: () => {
      const ms = performance.now() - drawStart;
      stats.draws++; stats.drawMsTotal += ms; stats.drawMsMean = stats.drawMsTotal / stats.draws;
      stats.drawMsMax = Math.max(stats.drawMsMax, ms);
      if (state.ready) previewDrawn('live');
    },
    onError: (err) => { setStatus(`Map error: ${err && err.message ? err.message : err}`); },
  });
  state.camera = Object.assign({}, camera);
  dashZoom = Math.round(camera.zoom * 2) / 2;
  return true;
}

/* ---------- helpers for tests and the benchmark ---------- */
function project(lon, lat) {
  const vp = liveViewport();
  if (!vp) return null;
  const [x, y] = vp.project([lon, lat]);
  const r = els.map.getBoundingClientRect();
  return [r.left + x, r.top + y];
}
/** What deck.gl draws now: the live map's camera, how many trips are travelling on it, and how many of the trips
 * layers are made (of all there are to make). */
function drawn() {
  const vp = liveViewport();
  const trips = (L.trips || []).reduce((n, layer) => n + (layer.props.visible ? layer.props.data.length : 0), 0);
  const tripLayers = {made: (L.trips || []).length, all: D ? D.tripBuckets.filter(Boolean).length : 0};
  return {camera: vp ? {longitude: vp.longitude, latitude: vp.latitude, zoom: vp.zoom} : null, trips, tripLayers};
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
