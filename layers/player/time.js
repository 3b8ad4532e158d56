/* Corridor player: time and visibility. Pure functions, no DOM: loaded by the player before its other modules
 * (as window.Corridor.time) and by Node's test runner (require). Day numbers count from the payload's epoch. */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else (root.Corridor = root.Corridor || {}).time = api;
}(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';
  const DAY_MS = 86400000;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  /** Day numbers and their labels for one epoch ('YYYY-MM-DD'): the labels read as Python's
   * layers.model.dates.day_label ('2 Jan 2024'). */
  function calendar(epoch) {
    const epochMs = Date.parse(`${epoch}T00:00:00Z`);
    if (!Number.isFinite(epochMs)) throw new Error(`not an epoch date: ${epoch}`);
    const dayToDate = (day) => new Date(epochMs + Math.floor(day) * DAY_MS);
    return {
      dayToDate,
      dateToDay: (d) => Math.round((d.getTime() - epochMs) / DAY_MS),
      dayLabel(day) {
        const d = dayToDate(day);
        return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
      },
      isoDay: (day) => dayToDate(day).toISOString().slice(0, 10),
    };
  }

  /** The first index of ``sorted`` whose value is greater than ``x``. */
  function upperBound(sorted, x) {
    let lo = 0; let hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** Which events are on the map at ``day``, as Python's layers.query.select time rule: begun by the day and,
   * with a window of ``window`` days, not ended before day - window. Fills ``out`` (a Uint8Array), returns the
   * count. */
  function shown(t0, t1, day, window, out) {
    const lo = window ? day - window : -Infinity;
    let count = 0;
    for (let i = 0; i < t0.length; i++) {
      const on = t0[i] <= day && t1[i] >= lo ? 1 : 0;
      out[i] = on; count += on;
    }
    return count;
  }

  /** A cheap key of the shown set (events begun, events gone): equal keys, equal sets. */
  function visibilityKey(sortedStarts, sortedEnds, day, window) {
    const started = upperBound(sortedStarts, day);
    const gone = window ? upperBound(sortedEnds, day - window - 1) : 0;
    return `${started}:${gone}`;
  }

  /** When a flow from day t0 to t1 sets off: one trip of min(span, tripDays) at t0, and for a long flow one
   * every ``period`` days while it lasts, at most ``repeats`` in all. */
  function tripStarts(t0, t1, tripDays, period, repeats) {
    const span = t1 - t0;
    const dur = Math.min(span, tripDays);
    const starts = [t0];
    if (span > period + tripDays) {
      for (let s = t0 + period; s + dur <= t1 && starts.length < repeats; s += period) starts.push(s);
    }
    return {starts, dur};
  }

  return {DAY_MS, MONTHS, calendar, upperBound, shown, visibilityKey, tripStarts};
}));
