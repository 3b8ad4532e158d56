/* Corridor briefing: a whole story played from one offline file (python -m layers export html --story NAME).
 * Loaded after main.js, only by that export: the story sits in <script type="application/json" id="corridor-story">.
 * Keys: ArrowRight, PageDown, Space = next chapter; ArrowLeft, PageUp = previous; Home, End; a number then Enter
 * jumps; R switches between the presenter and the reading layout; N opens the speaker notes in a second window of this file (#notes), which follows the chapter shown;
 * / searches the record and Esc returns to the chapter as it was. The chapter shown is document.body.dataset.chapter.
 * All text is set with textContent. */
'use strict';

const briefing = (() => {
  const node = document.getElementById('corridor-story');
  if (!node || !D) return null;
  const B = JSON.parse(node.textContent);
  const notesMode = location.hash === '#notes';
  const NAV_KEYS = ['ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', ' ', 'Home', 'End'];
  let index = -1;            // -1: the title screen
  let typed = '';            // digits typed before Enter
  let notesWindow = null;
  let searching = null;      // the chapter's view while a search shows its results
  let reading = false;       // the reading layout: the chapter's lead paragraphs too, in a wider panel
  const $b = (id) => document.getElementById(id);
  const panel = $b('brief'); const search = $b('brief-search'); const input = $b('brief-query');
  document.body.classList.add(notesMode ? 'brief-notes' : 'brief-audience');
  opts.report_keys = NAV_KEYS;  // the player leaves these keys to the briefing (controls.js)
  opts.show_details = false;

  function show(i) {
    index = Math.max(-1, Math.min(B.chapters.length - 1, i));
    const c = index >= 0 ? B.chapters[index] : null;
    document.body.dataset.chapter = c ? c.id : 'title';
    panel.replaceChildren();
    if (!c) {
      panel.append(el('h1', B.title), el('p', B.summary), el('p', `${B.chapters.length} chapters. ${B.record}.`),
        el('p', 'Press → or PageDown to begin; N for speaker notes; R for the reading layout; T for a bright or dark room; / to search the record.',
          'brief-hint'));
    } else {
      panel.append(el('p', `${c.number} / ${B.chapters.length} · ${c.date}`, 'brief-count'), el('h1', c.title));
      if (notesMode) {
        for (const para of c.notes.split(/\n\s*\n/)) panel.append(el('p', para));
        const next = B.chapters[index + 1];
        panel.append(el('p', next ? `Next: ${next.title}` : 'This is the last chapter.', 'brief-hint'));
      } else {
        if (reading) for (const para of c.lead) panel.append(el('p', para));
        const ul = el('ul');
        for (const point of c.points) ul.append(el('li', point));
        const sources = el('p', 'Sources: ', 'brief-sources');
        c.sources.forEach((s, k) => {
          const url = safeUrl(s.url);
          const a = url ? Object.assign(el('a', s.label), {href: url, target: '_blank', rel: 'noopener'}) : el('span', s.label);
          sources.append(k ? ' · ' : '', a);
        });
        panel.append(ul, sources);
      }
      applyView(Object.assign({}, c.view, {selected: null, description: [`Chapter ${c.number}: ${c.title}.`, ...c.points]}), {});
    }
    panel.append(el('p', `${B.record}. ${B.attribution}`, 'brief-record'));
    if (notesWindow && !notesWindow.closed) notesWindow.postMessage({corridorChapter: index}, '*');
  }

  function openNotes() {
    const url = location.href.split('#')[0] + '#notes';
    notesWindow = window.open(url, 'corridor-notes', 'width=720,height=640');  // it says hello when loaded
  }

  function runSearch(text) {
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    const e = D.ev;
    const hits = [];
    for (let i = 0; i < D.n && words.length; i++) {
      const f = D.evFlow[i] >= 0 ? D.paths[D.flows[D.evFlow[i]].path] : null;
      const place = D.evPoint[i] >= 0 ? D.points[D.evPoint[i]].place.name : '';
      const hay = [e.id[i], e.title[i], e.summary[i], e.date[i], (e.actors[i] || []).join(' '), e.disputed[i],
        f && f.from ? f.from.name : '', f && f.to ? f.to.name : '', place].join(' ').toLowerCase();
      if (words.every((w) => hay.includes(w))) hits.push(i);
    }
    const list = $b('brief-results');
    list.replaceChildren();
    for (const i of hits.slice(0, 50)) {
      const li = el('li');
      li.append(el('strong', `${e.date[i]} · ${e.title[i]}`), el('span', ` (${D.conf[e.conf[i]].id})`));
      if (e.disputed[i]) li.append(el('p', `Disputed: ${e.disputed[i]}`, 'disputed'));
      const src = el('p', 'Sources: ');
      (e.src[i] || []).forEach((s, k) => {
        const url = safeUrl(D.src.url[s]);
        const label = [D.src.outlet[s], D.src.date[s]].filter(Boolean).join(', ');
        src.append(k ? ' · ' : '', url ? Object.assign(el('a', label), {href: url, target: '_blank', rel: 'noopener'})
          : el('span', label));
      });
      li.append(src);
      list.append(li);
    }
    $b('brief-count').textContent = words.length ? `${hits.length} events` : '';
    applyView({focus: hits.map((i) => e.id[i]), date: null, window: null}, {});
  }

  function openSearch() {
    if (searching) return;
    searching = {index, camera: Object.assign({}, state.camera)};
    search.hidden = false;
    input.value = '';
    input.focus();
  }
  function closeSearch() {
    if (!searching) return;
    search.hidden = true;
    const back = searching;
    searching = null;
    input.blur();
    show(back.index);
    if (back.camera) applyView({camera: back.camera, transition_ms: 0}, {});
  }

  input.addEventListener('input', () => runSearch(input.value));
  input.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); closeSearch(); } });
  document.addEventListener('keydown', (ev) => {
    if (ev.target === input || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const k = ev.key;
    if (k === 'Escape') { closeSearch(); return; }
    if (k === '/' && !notesMode) { ev.preventDefault(); openSearch(); return; }
    if (k === 'n' || k === 'N') { if (!notesMode) openNotes(); return; }
    if ((k === 'r' || k === 'R') && !notesMode) {
      reading = !reading;
      document.body.classList.toggle('brief-reading', reading);
      show(index);
      return;
    }
    if ((k === 't' || k === 'T') && !notesMode) {  // the room: standard, bright room, dark room
      const names = Object.keys(D.style.themes || {standard: 1});
      const next = names[(names.indexOf(opts.theme) + 1) % names.length];
      document.body.dataset.room = next;
      applyOptions({theme: next});
      return;
    }
    if (/^[0-9]$/.test(k)) { typed += k; return; }
    if (k === 'Enter' && typed) { show(parseInt(typed, 10) - 1); typed = ''; return; }
    typed = '';
    const move = {ArrowRight: 1, PageDown: 1, ' ': 1, ArrowLeft: -1, PageUp: -1}[k];
    if (move) { ev.preventDefault(); if (notesMode && window.opener) window.opener.postMessage({corridorStep: move}, '*'); else show(index + move); }
    else if (k === 'Home') show(-1);
    else if (k === 'End') show(B.chapters.length - 1);
  });
  window.addEventListener('message', (ev) => {
    const m = ev.data || {};
    if (notesMode && Number.isInteger(m.corridorChapter)) show(m.corridorChapter);
    if (!notesMode && Number.isInteger(m.corridorStep)) show(index + m.corridorStep);
    if (!notesMode && m.corridorHello && ev.source) { notesWindow = ev.source; show(index); }
  });
  show(-1);
  if (notesMode && window.opener) window.opener.postMessage({corridorHello: true}, '*');
  return {show, chapter: () => index, data: B};
})();
api.forTests.briefing = briefing;
