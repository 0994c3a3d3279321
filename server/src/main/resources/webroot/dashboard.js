// Live dashboard: one WebSocket subscription, counters per event type, progress per session,
// a live feed, and the hub's readiness. Reconnects and resumes from the last position it saw.
(function () {
  'use strict';
  const base = location.origin;
  const wsUrl = base.replace(/^http/, 'ws') + '/api/v1/project-index/websocket';
  const $ = (id) => document.getElementById(id);
  const state = { ws: null, subscription: null, positions: {}, retry: 0, wanted: null, seq: 0 };
  const MAX_FEED = 200;

  function setStatus(s) {
    const el = $('status');
    el.textContent = s;
    el.className = 'status ' + s;
    el.dataset.state = s;
  }

  function request(msg) {
    msg.correlation_id = 'dash-' + (++state.seq);
    state.ws.send(JSON.stringify(msg));
  }

  function subscribeMessage() {
    const want = state.wanted;
    const msg = { action: 'subscribe', event_types: want.types, subscription_id: 'dashboard' };
    if (want.project) {
      msg.project_id = want.project;
      const pos = state.positions[want.project];
      if (pos) { msg.since_offset = pos.offset; msg.epoch = pos.epoch; }
    }
    return msg;
  }

  function connect() {
    const token = $('token').value.trim();
    setStatus('connecting');
    const ws = new WebSocket(wsUrl + (token ? '?token=' + encodeURIComponent(token) : ''));
    state.ws = ws;
    ws.onopen = () => { state.retry = 0; };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'batch') { m.events.forEach(onEvent); return; }
      switch (m.type) {
        case 'welcome':
          setStatus('connected');
          $('node').textContent = m.data.node_id;
          $('connection-id').textContent = m.data.connection_id;
          if (state.wanted) { request(subscribeMessage()); }
          break;
        case 'subscription_ack': onAck(m.data); break;
        case 'pong': $('health').textContent = m.data.connection_health.toFixed(2); break;
        case 'error': feed('error', m.data.error + ': ' + m.data.message, false, true); break;
        case 'notice': feed('notice', m.data.kind + (m.data.message ? ' — ' + m.data.message : ''), false, false); break;
        default: if (m.offset !== undefined) { onEvent(m); }
      }
    };
    ws.onclose = (e) => {
      setStatus('disconnected');
      if (e.code === 1000) { return; }
      const delay = Math.min(10000, 250 * Math.pow(2, state.retry++)) * (0.5 + Math.random() / 2);
      feed('closed', 'code ' + e.code + (e.reason ? ' (' + e.reason + ')' : '') + '; reconnecting in ' + Math.round(delay) + ' ms', false, e.code !== 1001);
      setTimeout(connect, delay);
    };
  }

  function onAck(d) {
    if (d.action === 'unsubscribe') { return; }
    state.subscription = d.subscription_id;
    let text = d.subscription_id + ' → ' + (d.project_id || 'all projects');
    if (d.recovered === false) { text += ' (not recovered: ' + d.reason + ')'; }
    $('subscription').textContent = text;
    if (d.project_id && d.epoch) {
      const pos = state.positions[d.project_id];
      if (!pos || pos.epoch !== d.epoch) { state.positions[d.project_id] = { epoch: d.epoch, offset: d.offset }; }
      showPosition(d.project_id);
    }
  }

  function onEvent(ev) {
    const pid = ev.data && ev.data.project_id;
    const pos = state.positions[pid];
    if (pos && pos.epoch === ev.epoch && ev.offset <= pos.offset) { return; } // already seen
    state.positions[pid] = { epoch: ev.epoch, offset: ev.offset };
    showPosition(pid);
    const row = document.querySelector('#counts tr[data-type="' + ev.type + '"] .' + (ev.replay ? 'replay' : 'live'));
    if (row) { row.textContent = String(Number(row.textContent) + 1); }
    if (ev.type === 'analysis_progress') { progress(ev.data); }
    feed(ev.type, describe(ev), !!ev.replay, false);
  }

  function describe(ev) {
    const d = ev.data || {};
    switch (ev.type) {
      case 'project_index_updated': return d.status + ', ' + (d.files_analyzed ?? '?') + ' files analysed';
      case 'analysis_progress': return (d.progress_percentage ?? '?') + '% ' + (d.current_file || '');
      case 'dependency_changed': return d.change_type + ' ' + d.file_path;
      case 'context_optimized': return 'confidence ' + (d.optimization_results ? d.optimization_results.confidence_score : '?');
      default: return '';
    }
  }

  function progress(d) {
    const id = 'session-' + d.session_id;
    let el = document.getElementById(id);
    if (!el) {
      el = document.createElement('div');
      el.id = id;
      el.className = 'session';
      el.innerHTML = '<div class="label"></div><div class="bar"><span></span></div>';
      $('sessions').prepend(el);
    }
    el.querySelector('.label').textContent = d.session_id.slice(0, 8) + '… ' + d.progress_percentage + '%';
    el.querySelector('.bar > span').style.width = Math.max(0, Math.min(100, d.progress_percentage)) + '%';
  }

  function showPosition(pid) {
    const p = state.positions[pid];
    $('position').textContent = p ? (pid.slice(0, 8) + '… ' + p.epoch + ':' + p.offset) : '–';
  }

  function feed(type, text, replay, error) {
    const li = document.createElement('li');
    if (replay) { li.classList.add('replay'); }
    if (error) { li.classList.add('error'); }
    const t = document.createElement('span');
    t.className = 'type';
    t.textContent = type + (replay ? ' (replay)' : '');
    li.appendChild(t);
    li.appendChild(document.createTextNode(' ' + text));
    const list = $('feed');
    list.prepend(li);
    while (list.children.length > MAX_FEED) { list.lastChild.remove(); }
  }

  async function pollServer() {
    try {
      const r = await fetch(base + '/readyz');
      const body = await r.json();
      $('ready').textContent = r.ok ? 'ready' : (body.status || 'not ready');
    } catch (e) {
      $('ready').textContent = 'unreachable';
    }
    if (state.ws && state.ws.readyState === WebSocket.OPEN) { request({ action: 'ping' }); }
  }

  $('subscribe-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const project = $('project').value.trim();
    const types = Array.from(document.querySelectorAll('#types input:checked')).map((i) => i.value);
    state.wanted = { project: project || null, types: types };
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) { return; }
    if (state.subscription) { request({ action: 'unsubscribe', subscription_id: state.subscription }); state.subscription = null; }
    request(subscribeMessage());
  });
  $('clear').addEventListener('click', () => { $('feed').innerHTML = ''; });

  const params = new URLSearchParams(location.search);
  if (params.get('project')) { $('project').value = params.get('project'); }
  state.wanted = { project: params.get('project') || null,
    types: ['project_index_updated', 'analysis_progress', 'dependency_changed', 'context_optimized'] };
  connect();
  pollServer();
  setInterval(pollServer, 5000);
})();
