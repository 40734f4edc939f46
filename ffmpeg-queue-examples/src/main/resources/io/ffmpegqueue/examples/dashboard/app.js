// ffmpeg-queue dashboard: plain JavaScript, no dependencies, every request to this origin.
'use strict';

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function say(text) {
  const s = $('#status-line');
  if (s) s.textContent = text;
}

async function api(method, path) {
  const r = await fetch(path, { method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
  if (r.status === 401) {
    window.location.assign('/dashboard/login');
    throw new Error('not logged in');
  }
  const body = r.headers.get('Content-Type') === 'application/json' ? await r.json() : null;
  if (!r.ok) throw new Error((body && body.detail) || ('HTTP ' + r.status));
  return body;
}

function statusCell(status) {
  return el('span', { class: 'status status-' + status, text: status });
}

function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return el('time', { datetime: iso, title: iso, text: d.toLocaleString() });
}

function seconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 1) return Math.round(s * 1000) + ' ms';
  if (s < 120) return s.toFixed(1) + ' s';
  return (s / 60).toFixed(1) + ' min';
}

function table(caption, headers, rows) {
  const t = el('table', {}, el('caption', { text: caption }));
  t.append(el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))));
  const tb = el('tbody');
  for (const r of rows) tb.append(el('tr', {}, ...r.map((c) => el('td', {}, c))));
  t.append(tb);
  return t;
}

function workersTable(workers) {
  if (workers.length === 0) return el('p', { text: 'No worker process has sent a heartbeat in the last 30 seconds.' });
  return table(workers.length + ' live worker process(es)', ['Id', 'Host', 'PID', 'Version', 'Worker threads', 'Tasks running', 'Started', 'Last heartbeat'],
    workers.map((w) => [w.id, w.host, String(w.pid), w.version, String(w.workers), String(w.tasks_running), when(w.started_at), when(w.last_heartbeat)]));
}

function every(ms, fn) {
  const run = async () => {
    try {
      await fn();
    } catch (e) {
      say('Could not refresh: ' + e.message);
    }
  };
  run();
  return setInterval(run, ms);
}

// ---- overview ----

function barChart(series, label) {
  const NS = 'http://www.w3.org/2000/svg';
  const w = 600, h = 160, n = series.completed.length, bw = w / n;
  const max = Math.max(1, ...series.completed.map((c, i) => c + series.failed[i]));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h + 20}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  for (let i = 0; i < n; i++) {
    const c = series.completed[i], f = series.failed[i];
    const ch = (c / max) * h, fh = (f / max) * h;
    const g = document.createElementNS(NS, 'g');
    const title = document.createElementNS(NS, 'title');
    title.textContent = `${n - 1 - i} min ago: ${c} completed, ${f} failed`;
    g.append(title);
    for (const [cls, y, hh] of [['bar-completed', h - ch, ch], ['bar-failed', h - ch - fh, fh]]) {
      const r = document.createElementNS(NS, 'rect');
      r.setAttribute('class', cls);
      r.setAttribute('x', i * bw + 1); r.setAttribute('width', Math.max(1, bw - 2));
      r.setAttribute('y', y); r.setAttribute('height', hh);
      g.append(r);
    }
    svg.append(g);
  }
  const axis = document.createElementNS(NS, 'text');
  axis.setAttribute('x', 0); axis.setAttribute('y', h + 16); axis.setAttribute('font-size', '12');
  axis.textContent = `60 min ago … now; tallest bar ${max} tasks (light: completed, dark: failed)`;
  svg.append(axis);
  return svg;
}

function timingsChart(s) {
  const rows = [['Queue wait p50', s.wait_p50_seconds], ['Queue wait p95', s.wait_p95_seconds],
    ['Run time p50', s.run_p50_seconds], ['Run time p95', s.run_p95_seconds]];
  const NS = 'http://www.w3.org/2000/svg';
  const max = Math.max(0.001, ...rows.map((r) => r[1] || 0));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 600 110');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', rows.map((r) => r[0] + ' ' + seconds(r[1])).join(', '));
  rows.forEach((r, i) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', 0); t.setAttribute('y', i * 26 + 17); t.setAttribute('font-size', '13');
    t.textContent = r[0] + ': ' + seconds(r[1]);
    const b = document.createElementNS(NS, 'rect');
    b.setAttribute('class', i < 2 ? 'bar-completed' : 'bar-failed');
    b.setAttribute('x', 200); b.setAttribute('y', i * 26 + 5);
    b.setAttribute('width', ((r[1] || 0) / max) * 390); b.setAttribute('height', 16);
    svg.append(t, b);
  });
  return svg;
}

function overview() {
  every(3000, async () => {
    const [s, w] = await Promise.all([api('GET', '/ffmpeg/stats'), api('GET', '/ffmpeg/workers')]);
    const counts = $('#counts');
    counts.replaceChildren();
    for (const k of ['pending', 'scheduled', 'running', 'completed', 'failed', 'cancelled']) {
      const link = el('a', { href: '/dashboard/tasks?status=' + k, text: String(s.counts[k]) });
      counts.append(el('div', { 'data-status': k }, el('dt', { text: k }), el('dd', {}, link)));
    }
    const total = (a) => a.reduce((x, y) => x + y, 0);
    $('#throughput').replaceChildren(barChart({ completed: s.completed_per_minute, failed: s.failed_per_minute },
      `Tasks per minute over the last hour: ${total(s.completed_per_minute)} completed, ${total(s.failed_per_minute)} failed`),
    el('figcaption', { text: `${total(s.completed_per_minute)} completed and ${total(s.failed_per_minute)} failed in the last hour.` }));
    $('#timings').replaceChildren(timingsChart(s));
    $('#workers').replaceChildren(workersTable(w.workers));
    say('Updated ' + new Date().toLocaleTimeString());
  });
}

// ---- task list ----

const selected = new Set();

function listQuery() {
  const p = new URLSearchParams(window.location.search);
  const q = new URLSearchParams();
  for (const [k, v] of p) {
    if (!v) continue;
    if (k === 'created_from' || k === 'created_to') q.set(k, new Date(v).toISOString());
    else q.set(k, v);
  }
  if (!q.has('cursor')) q.set('cursor', '');
  q.set('limit', '50');
  return q;
}

function updateSelection() {
  $('#selected-count').textContent = selected.size + ' selected';
  for (const id of ['#bulk-cancel', '#bulk-retry', '#bulk-delete']) $(id).disabled = selected.size === 0;
}

async function bulk(action) {
  const ids = [...selected];
  let ok = 0; const failed = [];
  for (const id of ids) {
    try {
      if (action === 'cancel') await api('DELETE', '/ffmpeg/tasks/' + encodeURIComponent(id));
      else if (action === 'retry') await api('POST', '/ffmpeg/tasks/' + encodeURIComponent(id) + '/retry');
      else await api('DELETE', '/ffmpeg/tasks/' + encodeURIComponent(id) + '?purge=true');
      ok++;
      selected.delete(id);
    } catch (e) {
      failed.push(id + ': ' + e.message);
    }
  }
  say(`${action}: ${ok} done` + (failed.length ? `, ${failed.length} refused (${failed.join('; ')})` : ''));
  updateSelection();
  await refreshList();
}

async function refreshList() {
  const q = listQuery();
  const page = await api('GET', '/ffmpeg/tasks?' + q.toString());
  const tbody = $('#task-table tbody');
  tbody.replaceChildren();
  if (page.tasks.length === 0) {
    // A metadata or text search looks at a bounded stretch of tasks per page: none found here is not the end.
    const text = page.next_cursor ? 'No match among the tasks looked at for this page; "Next page" searches further.'
      : 'No tasks match.';
    tbody.append(el('tr', {}, el('td', { colspan: 8, text })));
  }
  for (const t of page.tasks) {
    const box = el('input', { type: 'checkbox', 'aria-label': 'Select task ' + t.task_id, checked: selected.has(t.task_id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(t.task_id); else selected.delete(t.task_id);
      updateSelection();
    });
    const progress = t.progress === null ? '–' : Math.round(t.progress * 100) + '%';
    tbody.append(el('tr', { 'data-task': t.task_id },
      el('td', {}, box),
      el('td', {}, el('a', { href: '/dashboard/tasks/' + encodeURIComponent(t.task_id), text: t.task_id })),
      el('td', {}, statusCell(t.status)),
      el('td', { class: 'cmd', title: t.command, text: t.command }),
      el('td', { text: t.tenant || '–' }),
      el('td', {}, when(t.created_at)),
      el('td', { text: String(t.attempts) }),
      el('td', { text: progress })));
  }
  const next = $('#next-page');
  if (page.next_cursor) {
    const p = new URLSearchParams(window.location.search);
    p.set('cursor', page.next_cursor);
    next.href = '/dashboard/tasks?' + p.toString();
    next.hidden = false;
  } else {
    next.hidden = true;
    next.removeAttribute('href');
  }
  say(`${page.count} task(s) on this page; updated ${new Date().toLocaleTimeString()}`);
}

function tasks() {
  const form = $('#filters');
  const p = new URLSearchParams(window.location.search);
  for (const [k, v] of p) if (form.elements[k]) form.elements[k].value = v;
  $('#select-all').addEventListener('change', (e) => {
    for (const box of document.querySelectorAll('#task-table tbody input[type=checkbox]')) {
      box.checked = e.target.checked;
      box.dispatchEvent(new Event('change'));
    }
  });
  $('#bulk-cancel').addEventListener('click', () => bulk('cancel'));
  $('#bulk-retry').addEventListener('click', () => bulk('retry'));
  $('#bulk-delete').addEventListener('click', () => {
    if (window.confirm(`Delete ${selected.size} task(s) and their outputs?`)) bulk('delete');
  });
  updateSelection();
  every(2000, refreshList);
}

// ---- task detail ----

let stream = null;

function showProgress(fraction, ev) {
  const bar = $('#progress');
  const parts = [];
  if (fraction !== null && fraction !== undefined) {
    bar.value = Math.round(fraction * 1000) / 10;
    parts.push((Math.round(fraction * 1000) / 10) + '%');
  }
  if (ev) {
    if (ev.fps !== null && ev.fps !== undefined) parts.push(ev.fps + ' fps');
    if (ev.speed !== null && ev.speed !== undefined) parts.push('speed ' + ev.speed + 'x');
    if (ev.eta_seconds !== null && ev.eta_seconds !== undefined) parts.push('ETA ' + seconds(ev.eta_seconds));
  }
  if (parts.length) $('#progress-text').textContent = parts.join(' · ');
}

function renderTask(t) {
  $('#task-id').textContent = t.task_id;
  $('#task-status').replaceChildren(statusCell(t.status));
  $('#command').textContent = 'ffmpeg ' + t.command;
  $('#inputs').replaceChildren(...Object.entries(t.input_files).map(([k, v]) => el('li', {}, el('code', { text: k }), ' ← ', v)));
  const outs = t.outputs.length ? t.outputs : t.output_files.map((name) => ({ name }));
  $('#outputs').replaceChildren(...outs.map((o) => {
    const href = o.download_url || (o.url && /^https?:/.test(o.url) ? o.url : null);
    const label = o.name + (o.size !== undefined ? ` (${o.size} bytes)` : ' (not stored yet)');
    return el('li', {}, href ? el('a', { href, text: label }) : label, o.url && !href ? el('code', { text: ' ' + o.url }) : null);
  }));
  const d = $('#details');
  d.replaceChildren();
  const rows = [['Tenant', t.tenant || '–'], ['Priority', t.priority], ['Attempts', t.attempts + ' of ' + (t.max_attempts || 'default')],
    ['Created', when(t.created_at)], ['Runs at', when(t.run_at)], ['Started', when(t.started_at)], ['Finished', when(t.finished_at)],
    ['Metadata', Object.entries(t.metadata).map(([k, v]) => k + '=' + v).join(', ') || '–']];
  for (const [k, v] of rows) d.append(el('dt', { text: k }), el('dd', {}, v));
  if (t.status === 'completed') showProgress(1, null);
  $('#act-cancel').hidden = !(t.status === 'pending' || t.status === 'running');
  $('#act-retry').hidden = !(t.status === 'failed' || t.status === 'cancelled');
  $('#act-delete').hidden = !(t.status === 'completed' || t.status === 'failed' || t.status === 'cancelled');
  const w = t.webhook;
  if (!t.webhook_url) $('#webhook').replaceChildren(el('p', { text: 'This task has no webhook.' }));
  else if (!w) $('#webhook').replaceChildren(el('p', { text: 'Sent to ' + t.webhook_url + ' when the task ends.' }));
  else {
    $('#webhook').replaceChildren(el('p', { text: `To ${w.url}: ${w.state}` + (w.next_attempt_at ? ', next attempt ' + w.next_attempt_at : '') }),
      w.attempts.length ? table('Delivery attempts', ['At', 'HTTP status', 'Error'],
        w.attempts.map((a) => [when(a.at), a.status_code === null ? '–' : String(a.status_code), a.error || '–'])) : el('p', { text: 'No attempt yet.' }));
  }
}

async function loadAttempts(id) {
  const a = await api('GET', '/ffmpeg/tasks/' + encodeURIComponent(id) + '/attempts');
  $('#attempts').replaceChildren(table('Attempt series (a retry by hand starts a new one)', ['Series', 'Attempts', 'Status', 'Error', 'ffmpeg stderr (last lines)', 'Started', 'Finished'],
    a.series.map((s) => [String(s.series) + (s.current ? ' (current)' : ''), String(s.attempts), statusCell(s.status),
      s.error ? s.error.kind + ': ' + s.error.message : '–', s.error && s.error.stderr_tail ? el('pre', { text: s.error.stderr_tail }) : '–',
      when(s.started_at), when(s.finished_at)])));
}

async function loadTask(id) {
  const t = await api('GET', '/ffmpeg/tasks/' + encodeURIComponent(id));
  renderTask(t);
  await loadAttempts(id);
  if (!stream && (t.status === 'pending' || t.status === 'running')) listen(id);
  return t;
}

function listen(id) {
  stream = new EventSource('/ffmpeg/tasks/' + encodeURIComponent(id) + '/events');
  const refresh = () => loadTask(id).catch((e) => say(e.message));
  stream.addEventListener('progress', (m) => {
    const ev = JSON.parse(m.data);
    showProgress(ev.progress, ev);
  });
  for (const type of ['status', 'started', 'retry_scheduled']) {
    stream.addEventListener(type, (m) => {
      const t = JSON.parse(m.data);
      if (t.status) renderTask(t);
    });
  }
  for (const type of ['completed', 'failed', 'cancelled']) {
    stream.addEventListener(type, () => {
      stream.close();
      stream = null;
      refresh();
    });
  }
  stream.onerror = () => {
    if (stream) {
      stream.close();
      stream = null;
    }
    setTimeout(refresh, 1000);
  };
}

function task() {
  const id = decodeURIComponent(window.location.pathname.split('/').pop());
  const act = async (method, path, what) => {
    try {
      await api(method, path);
      say(what + ' done');
      if (what === 'Delete') {
        window.location.assign('/dashboard/tasks');
        return;
      }
      await loadTask(id);
    } catch (e) {
      say(what + ' refused: ' + e.message);
    }
  };
  $('#act-cancel').addEventListener('click', () => act('DELETE', '/ffmpeg/tasks/' + encodeURIComponent(id), 'Cancel'));
  $('#act-retry').addEventListener('click', () => act('POST', '/ffmpeg/tasks/' + encodeURIComponent(id) + '/retry', 'Retry'));
  $('#act-delete').addEventListener('click', () => {
    if (window.confirm('Delete this task and its outputs?')) act('DELETE', '/ffmpeg/tasks/' + encodeURIComponent(id) + '?purge=true', 'Delete');
  });
  loadTask(id).catch((e) => say(e.message));
}

function workers() {
  every(5000, async () => {
    const w = await api('GET', '/ffmpeg/workers');
    $('#workers').replaceChildren(workersTable(w.workers));
    say('Updated ' + new Date().toLocaleTimeString());
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  ({ overview, tasks, task, workers })[page]?.();
});
