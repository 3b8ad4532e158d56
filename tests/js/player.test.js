// The player's pure logic under Node's own test runner (node --test tests/js), against the golden fixture the
// engine wrote (tests/fixtures/player_golden.json, or $CORRIDOR_GOLDEN): the player must show exactly the events
// layers.query.select shows, label days as Python does, and order place names by the rules the payload carries.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const PLAYER = path.join(__dirname, '..', '..', 'layers', 'player');
const time = require(path.join(PLAYER, 'time.js'));
const labels = require(path.join(PLAYER, 'labels.js'));
const bridge = require(path.join(PLAYER, 'bridge.js'));
const golden = JSON.parse(fs.readFileSync(process.env.CORRIDOR_GOLDEN
  || path.join(__dirname, '..', 'fixtures', 'player_golden.json'), 'utf8'));

test('the player shows exactly the events the engine selects, for every date, window and filter', () => {
  assert.ok(golden.cases.length > 50);
  for (const c of golden.cases) {
    const cols = golden.filters[c.filters];
    const out = new Uint8Array(cols.id.length);
    const count = time.shown(Int32Array.from(cols.t0), Int32Array.from(cols.t1), c.day, c.window, out);
    const ids = cols.id.filter((_, i) => out[i]);
    assert.deepEqual(ids, c.expected, `${c.filters} ${c.date} window ${c.window}`);
    assert.equal(count, ids.length);
  }
});

test('the visibility key changes exactly when the shown set does', () => {
  const cols = golden.filters.all;
  const starts = Float64Array.from(cols.t0).sort();
  const ends = Float64Array.from(cols.t1).sort();
  for (const window of [null, 1, 30]) {
    let lastKey = null; let lastSet = null;
    for (let day = Math.min(...cols.t0) - 2; day <= Math.max(...cols.t1) + 40; day++) {
      const out = new Uint8Array(cols.id.length);
      time.shown(cols.t0, cols.t1, day, window, out);
      const set = out.join('');
      const key = time.visibilityKey(starts, ends, day, window);
      if (lastKey !== null) assert.equal(key === lastKey, set === lastSet, `day ${day} window ${window}`);
      lastKey = key; lastSet = set;
    }
  }
});

test('days read as Python writes them', () => {
  const cal = time.calendar(golden.epoch);
  for (const {day, label} of golden.labels) assert.equal(cal.dayLabel(day), label);
  assert.equal(cal.dateToDay(cal.dayToDate(620)), 620);
  assert.throws(() => time.calendar('not a date'));
});

test('a long flow sets off again every period, a short one once', () => {
  assert.deepEqual(time.tripStarts(0, 20, 30, 45, 40), {starts: [0], dur: 20});
  assert.deepEqual(time.tripStarts(0, 200, 30, 45, 40).starts, [0, 45, 90, 135]);
  assert.deepEqual(time.tripStarts(0, 200, 30, 45, 2).starts, [0, 45]);
});

test('place names are tried in the order the engine gives, with the kinds the payload carries', () => {
  const lo = golden.label_order;
  const places = lo.places.map((p, i) => ({i, id: p.id, kind: p.kind}));
  const first = new Uint8Array(places.length);
  for (const p of places) if (lo.focused.includes(p.id)) first[p.i] = 1;
  const order = labels.labelOrder(places, first, golden.style.label_kinds).map((p) => p.id);
  assert.deepEqual(order, lo.expected);
});

test('overlapping names: the more important place keeps its label', () => {
  const places = [{i: 0, kind: 'city', label: 'Ussuriysk', position: [0, 0]},
    {i: 1, kind: 'capital', label: 'Pyongyang', position: [1, 0]},
    {i: 2, kind: 'port', label: 'Far', position: [500, 500]}];
  const kept = labels.declutter(places, new Uint8Array(3), golden.style.label_kinds, (p) => p, 12);
  assert.deepEqual(kept.map((p) => p.i), [1, 2]);
});

test('the bridge talks to Streamlit only inside Streamlit, and numbers every value it sends', () => {
  const sent = [];
  const parent = {postMessage: (m) => sent.push(m)};
  const listeners = {};
  const win = {parent, addEventListener: (type, fn) => { listeners[type] = fn; }};
  const doc = {getElementById: () => null, documentElement: {scrollHeight: 300.2}};
  const b = bridge.makeBridge(win, doc);
  b.send({kind: 'seek'}); b.send({kind: 'seek'});
  b.reportHeight(); b.reportHeight();
  const rendered = [];
  b.listen((args) => rendered.push(args));
  listeners.message({source: parent, data: {type: 'streamlit:render', args: {date: 5}}});
  listeners.message({source: {}, data: {type: 'streamlit:render', args: {date: 6}}});
  const values = sent.filter((m) => m.type === 'streamlit:setComponentValue').map((m) => m.value);
  assert.equal(values.length, 2);
  assert.notEqual(values[0].id, values[1].id);
  assert.equal(sent.filter((m) => m.type === 'streamlit:setFrameHeight').length, 1);
  assert.ok(sent.some((m) => m.type === 'streamlit:componentReady'));
  assert.deepEqual(rendered, [{date: 5}]);
  const alone = bridge.makeBridge({parent: null}, {getElementById: () => ({})});
  alone.send({kind: 'seek'});
  assert.equal(alone.inStreamlit, false);
});
