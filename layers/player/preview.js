/* Corridor player: the first picture (preview.js). On software WebGL deck.gl takes seconds to load its bundle,
 * compile its programs and draw; meanwhile the map is drawn once with the canvas 2D API from the prepared data, in
 * deck.gl's own Web Mercator camera: the basemap, then the ways and places of the events on the map at the first
 * date, as the live map draws them (casing, line, marker). deck.gl's first frames replace it (previewDrawn). It is
 * only a picture: it takes no pointer and says nothing to a screen reader (the map's text alternative does). */
'use strict';

const TILE_SIZE = 512;              // deck.gl's world is 512 pixels wide at zoom 0
const MAX_LATITUDE = 85.051129;     // Web Mercator's limit
const FIT_MAX_ZOOM = 8;             // as fitToMap

let preview = null;                 // the preview's canvas while it shows
let previewWaits = null;            // the decks that have not drawn yet ('base', 'live')

/** Longitude and latitude to deck.gl's world coordinates at zoom 0 (y up), as @math.gl/web-mercator. */
function worldOf(lon, lat) {
  const phi = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI / 180;
  const y = Math.PI + Math.log(Math.tan(Math.PI / 4 + phi / 2));
  return [(lon + 180) / 360 * TILE_SIZE, y / (2 * Math.PI) * TILE_SIZE];
}
function lonLatOf(x, y) {
  const phi = 2 * Math.atan(Math.exp(y / TILE_SIZE * 2 * Math.PI - Math.PI)) - Math.PI / 2;
  return [x / TILE_SIZE * 360 - 180, phi * 180 / Math.PI];
}
/** The camera deck.gl's fitBounds gives ``fit`` in a map of width x height pixels (as fitToMap asks it). */
function fittedCamera(fit, width, height) {
  const [w, s, e, n] = fit.bounds.map(Number);
  const pad = Math.max(0, Math.min(+fit.padding || 0, width / 4, height / 4));
  const nw = worldOf(w, n); const se = worldOf(e, s);
  const sx = (width - 2 * pad) / Math.max(Math.abs(se[0] - nw[0]), 0.01);
  const sy = (height - 2 * pad) / Math.max(Math.abs(se[1] - nw[1]), 0.01);
  const [longitude, latitude] = lonLatOf((se[0] + nw[0]) / 2, (se[1] + nw[1]) / 2);
  const zoom = Math.min(FIT_MAX_ZOOM, Math.log2(Math.abs(Math.min(sx, sy))));
  return {longitude, latitude, zoom, pitch: 0, bearing: 0};
}
/** The camera the map opens on: the args' fit, else their camera, else the payload's (as useData and applyView). */
function openingCamera(d, args, width, height) {
  const fit = args.fit;
  const framed = fit && Array.isArray(fit.bounds) && fit.bounds.map(Number).every(Number.isFinite);
  if (framed) return fittedCamera(fit, width, height);
  const view = d.payload.view || {};
  const c = args.camera || view.camera;
  return c && Number.isFinite(+c.zoom) ? c : {longitude: 95, latitude: 50, zoom: 2.3, pitch: 0, bearing: 0};
}

/** Draw the preview of prepared data ``d`` for the player's first args; false when it cannot (a tilted camera, no
 * canvas 2D, no size yet), and the map then simply waits for deck.gl. */
function drawPreview(d, args) {
  const width = els.map.clientWidth; const height = els.map.clientHeight;
  const camera = openingCamera(d, args, width, height);
  if (!width || !height || +camera.pitch || +camera.bearing) return false;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext && canvas.getContext('2d');
  if (!ctx) return false;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio); canvas.height = Math.round(height * ratio);
  canvas.className = 'map-layer map-preview';
  canvas.setAttribute('aria-hidden', 'true');
  ctx.scale(ratio, ratio);

  const scale = Math.pow(2, +camera.zoom);
  const [cx, cy] = worldOf(+camera.longitude, +camera.latitude);
  const at = (lon, lat) => {
    const [x, y] = worldOf(lon, lat);
    return [(x - cx) * scale + width / 2, height / 2 - (y - cy) * scale];
  };
  const th = theme(d);
  const b = th.basemap;
  const css = (rgb, alpha) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${(alpha / 255).toFixed(3)})`;

  ctx.fillStyle = b.water;
  ctx.fillRect(0, 0, width, height);
  const ring = (coords) => coords.forEach(([lon, lat], k) => {
    const [x, y] = at(lon, lat);
    if (k) ctx.lineTo(x, y); else ctx.moveTo(x, y);
  });
  const polygons = (collection, fill, stroke) => {
    for (const f of (collection && collection.features) || []) {
      const g = f.geometry || {};
      const parts = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      ctx.beginPath();
      for (const polygon of parts) for (const r of polygon) { ring(r); ctx.closePath(); }
      ctx.fillStyle = fill; ctx.fill('evenodd');
      if (stroke) { ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke(); }
    }
  };
  polygons(d.payload.countries, b.land, b.border);
  const close = d.payload.closeup;
  if (close && +camera.zoom >= close.min_zoom) {
    polygons(close.boxes, b.water, null);
    polygons(close.land, b.land, b.border);
  }

  // what is on the map at the first date (time.js, as computeShown), and what is in focus (as setFocus)
  const day = args.date === null || args.date === undefined ? d.range[1] : +args.date;
  const days = Number.isFinite(+args.window) && +args.window > 0 ? Math.round(+args.window) : null;
  const shown = new Uint8Array(d.n);
  T.shown(d.evT0, d.evT1, day, days, shown);
  const wanted = new Set(Array.isArray(args.focus) ? args.focus : []);
  const focused = (ev) => !wanted.size || wanted.has(d.ev.id[ev]) || wanted.has(d.cats[d.ev.cat[ev]].id);
  const rgb = th.colors.map(hexRgb);
  const k = sizeScale();
  const groups = new Map();  // one line per (way, category, in focus) and one marker per (place, category, in focus)
  const group = (key, make) => { if (!groups.has(key)) groups.set(key, make()); };
  for (const f of d.flows) {
    if (!shown[f.ev]) continue;
    const on = focused(f.ev);
    group(`w${f.path}|${f.cat}|${+on}`, () => ({way: d.paths[f.path], cat: f.cat, on}));
  }
  for (const p of d.points) {
    if (!shown[p.ev]) continue;
    const on = focused(p.ev);
    group(`p${p.place.i}|${p.cat}|${+on}`, () => ({place: p.place, cat: p.cat, on}));
  }
  const ways = [...groups.values()].filter((g) => g.way);
  const line = (xy) => {
    ctx.beginPath();
    for (let i = 0; i < xy.length; i += 2) {
      const [x, y] = at(xy[i], xy[i + 1]);
      if (i) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    }
    ctx.stroke();
  };
  ctx.lineCap = 'round'; ctx.lineJoin = 'round';
  const casing = b.casing ? hexRgb(b.casing) : null;
  if (casing) {
    for (const g of ways) {
      const st = d.style.routes[g.way.schematic ? 'schematic' : 'sourced'];
      ctx.strokeStyle = css(casing, g.on ? 255 : 255 * d.style.dim);
      ctx.lineWidth = st.width * k + 2 * d.style.casing_px;
      line(g.way.xy);
    }
  }
  const dashed = ways.length <= MAX_DASHED_GROUPS;
  for (const g of ways) {
    const st = d.style.routes[g.way.schematic ? 'schematic' : 'sourced'];
    ctx.strokeStyle = css(rgb[g.cat], g.on ? st.alpha : st.alpha * d.style.dim);
    ctx.lineWidth = Math.max(1, st.width * k);
    ctx.setLineDash(dashed && g.way.schematic ? [0.6 * DASH_PX, 0.4 * DASH_PX] : []);
    line(g.way.xy);
  }
  ctx.setLineDash([]);
  const dot = (position, r) => {
    const [x, y] = at(position[0], position[1]);
    ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
  };
  const markerRing = hexRgb(b.casing || b.halo);
  for (const g of groups.values()) {
    if (!g.place) continue;
    dot(g.place.position, 6 * k);
    ctx.fillStyle = css(rgb[g.cat], g.on ? 255 : 255 * d.style.dim); ctx.fill();
    ctx.strokeStyle = css(markerRing, g.on ? 255 : 255 * d.style.dim);
    ctx.lineWidth = d.style.casing_px * k; ctx.stroke();
  }
  ctx.fillStyle = css(hexRgb(b.label), 230);
  for (const p of d.places) { dot(p.position, 3 * k); ctx.fill(); }

  hidePreview();
  els.map.appendChild(canvas);
  preview = canvas;
  previewWaits = new Set(['base', 'live']);
  stats.previewMs = performance.now();
  return true;
}
/** A deck (``which``: 'base' or 'live') has drawn the map: once both have, the preview goes. */
function previewDrawn(which) {
  if (!preview || !D) return;
  previewWaits.delete(which);
  if (previewWaits.size) return;
  hidePreview();
  stats.tripLayersFirstDrawn = L.trips ? L.trips.length : 0;  // before fillTripsSoon makes the others
}
function hidePreview() {
  if (preview) preview.remove();
  preview = null;
}
