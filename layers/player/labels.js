/* Corridor player: which place names to show. Pure functions, no DOM (window.Corridor.labels; require in Node).
 * The order of kinds comes from Python (layers.model.style.LABEL_KIND_ORDER) through the payload. */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else (root.Corridor = root.Corridor || {}).labels = api;
}(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  /** The order place names are tried in (as layers.model.style.label_order): the places of a focus
   * (``first[p.i]``) first, then by ``kinds``, then file order (``p.i``). */
  function labelOrder(places, first, kinds) {
    const rank = (p) => {
      const r = kinds.indexOf(p.kind);
      return (first[p.i] ? 0 : kinds.length + 1) + (r < 0 ? kinds.length : r);
    };
    return places.slice().sort((a, b) => rank(a) - rank(b) || a.i - b.i);
  }

  /** The places whose labels fit without overlapping, tried in ``labelOrder``; ``project`` maps a position to
   * screen pixels; ``size`` is the font size. Returned in file order. */
  function declutter(places, first, kinds, project, size) {
    const boxes = [];
    const kept = [];
    for (const p of labelOrder(places, first, kinds)) {
      const [x, y] = project(p.position);
      const box = [x + 4, y - size * 0.7, x + 10 + String(p.label).length * size * 0.6, y + size * 0.7];
      if (boxes.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
      boxes.push(box);
      kept.push(p);
    }
    return kept.sort((a, b) => a.i - b.i);
  }

  return {labelOrder, declutter};
}));
