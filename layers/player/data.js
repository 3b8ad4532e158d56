/* Corridor player: the payload decoded into typed arrays and objects (prepare), and which events are shown. */
'use strict';

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
