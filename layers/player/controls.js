/* Corridor player: time (play, pause, step, window), focus and selection, and the panels (details, list,
 * legend) and controls that show them. */
'use strict';

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
  let t = state.t;
  if (reducedMotion()) {  // a week at a time, and only when it is due: flows appear whole, nothing travels
    reducedDue += dt * state.speed;
    if (reducedDue >= REDUCED_STEP_MS) { reducedDue = 0; t = Math.min(end, state.t + REDUCED_STEP_DAYS); setTime(t, false); }
  } else {
    t = Math.min(end, state.t + (dt / 1000) * DAYS_PER_SECOND * state.speed);
    setTime(t, true);
  }
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
  if (!D || !liveDeck) return null;
  const loop = liveDeck.animationLoop;
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
  describe();
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
  describe();
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
  if (D) describe();
  if (report) send('mode');
}
/** The reduced-motion toggle changed: stop or restart the travelling trips. */
function motionChanged() {
  if (!D || !L.trips) return;
  reducedDue = 0;
  L.trips = moveTrips(state.t);
  push();
}

/* ---------- the map's text alternative ---------- */
/** What the map shows at the shown date, in words: counts by category, the latest events and, in a story, the
 * chapter's key points. Set (and so announced, aria-live) when playback pauses, a step is taken, the date is
 * sought, the mode or the chapter changes: never per animation frame. */
function describe() {
  if (!D || !els.description) return;
  const counts = new Array(D.cats.length).fill(0);
  const shown = [];
  for (let i = 0; i < D.n; i++) if (D.shown[i]) { counts[D.ev.cat[i]]++; shown.push(i); }
  shown.sort((a, b) => D.evT0[b] - D.evT0[a]);
  const parts = [`Map at ${els.date.textContent || dayLabel(state.day)}: ${shown.length} event${shown.length === 1 ? '' : 's'} shown`];
  const byCat = D.cats.map((c, i) => [c.label, counts[i]]).filter(([, n]) => n).map(([label, n]) => `${n} ${label}`);
  if (byCat.length) parts[0] += ` (${byCat.join('; ')})`;
  parts[0] += '.';
  if (shown.length) {
    parts.push(`Latest: ${shown.slice(0, LATEST_DESCRIBED).map((i) => `${D.ev.date[i]}, ${D.ev.title[i]}`).join('; ')}.`);
  }
  const extra = Array.isArray(opts.description) ? opts.description.filter((x) => typeof x === 'string') : [];
  if (extra.length) parts.push(extra.join(' '));
  const text = parts.join(' ');
  if (els.description.textContent !== text) els.description.textContent = text;
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
  if (D && liveDeck && L.trips) { L.trips = makeTrips(); rebuildVisible(true); push(); }
}
function select(ev, report) {
  detailsFrom = -1;
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

/** Close the details; the focus goes back to the list button that opened them, if it is still listed. */
function closeDetails() {
  const from = detailsFrom;
  detailsFrom = -1;
  select(-1, false);
  const back = from >= 0 ? els.list.querySelector(`button[data-ev="${from}"]`) : null;
  if (back) back.focus();
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
    b.dataset.ev = String(i);
    if (i === selectedEv) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => {
      select(i, true);
      if (!els.details.hidden) { detailsFrom = i; els.detailsTitle.focus(); }  // a keyboard user reads on there
    });
    li.append(b);
    return li;
  }));
}

function renderLegend() {
  const present = new Set(D.ev.cat);
  const t = theme();
  els.legendCats.replaceChildren(...D.cats.map((c, i) => [c, i]).filter(([, i]) => present.has(i)).map(([c, i]) => {
    const li = el('li');
    const sw = el('span', null, 'swatch');
    sw.style.background = t.colors[i];
    sw.style.borderColor = t.basemap.casing || t.colors[i];
    const glyph = el('span', c.glyph || '', 'glyph');
    glyph.setAttribute('aria-hidden', 'true');
    glyph.style.borderColor = t.colors[i];
    li.append(sw, glyph, el('span', c.label));
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
  els.time.addEventListener('change', () => { if (D) { renderList(); describe(); send('seek'); } });
  if (els.reduceMotion) {
    const query = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
    els.reduceMotion.checked = !!(query && query.matches);
    if (query && query.addEventListener) query.addEventListener('change', () => { els.reduceMotion.checked = query.matches; motionChanged(); });
    els.reduceMotion.addEventListener('change', motionChanged);
  }
  for (const r of document.querySelectorAll('input[name="mode"]')) {
    r.addEventListener('change', () => setMode(r.value === 'window' ? state.windowDays : null, true));
  }
  els.windowDays.addEventListener('change', () => {
    const w = Math.round(+els.windowDays.value);
    if (Number.isFinite(w) && w >= 1 && w <= D.style.max_window_days) setMode(w, true);
    else els.windowDays.value = String(state.windowDays);
  });
  els.detailsClose.addEventListener('click', closeDetails);
  els.details.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); closeDetails(); } });
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
