/* Corridor player: the Streamlit bridge (components.v1's postMessage handshake). window.Corridor.bridge;
 * require in Node with a fake window. Nothing here knows about maps. */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else (root.Corridor = root.Corridor || {}).bridge = api;
}(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  /** The bridge of one page: ``win`` is the player's window, ``doc`` its document. Outside Streamlit (an
   * exported file, which inlines its data as #corridor-data) every call is a no-op. */
  function makeBridge(win, doc) {
    const inStreamlit = win.parent !== win && !doc.getElementById('corridor-data');
    const session = Math.random().toString(36).slice(2, 10);
    let seq = 0;
    let lastHeight = 0;
    function post(type, extra) {
      if (!inStreamlit) return;
      win.parent.postMessage(Object.assign({isStreamlitMessage: true, type}, extra), '*');
    }
    return {
      inStreamlit,
      post,
      /** Tell Streamlit the frame's height when it changed. */
      reportHeight() {
        const h = Math.ceil(doc.documentElement.scrollHeight);
        if (h !== lastHeight) { lastHeight = h; post('streamlit:setFrameHeight', {height: h}); }
      },
      /** Send Python a value (a user action): each gets a unique id, so one action is handled once. */
      send(value) {
        if (!inStreamlit) return;
        post('streamlit:setComponentValue', {value: Object.assign({id: `${session}:${++seq}`}, value),
          dataType: 'json'});
      },
      /** Call ``onRender(args)`` for each render message from the parent, then say the component is ready. */
      listen(onRender) {
        win.addEventListener('message', (event) => {
          const msg = event.data;
          if (event.source !== win.parent || !msg || msg.type !== 'streamlit:render') return;
          onRender(msg.args || {});
        });
        post('streamlit:componentReady', {apiVersion: 1});
      },
    };
  }

  return {makeBridge};
}));
