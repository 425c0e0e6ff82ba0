// The ops page: reads the JSON endpoints under /ops/api and refreshes itself. Everything shown is put in the page
// as text (never as HTML), because key names and user agents come from users.
'use strict';

const HEALTH_EVERY_MS = 5000;
const DIAGNOSTICS_EVERY_MS = 15000;
const KEY_STORAGE = 'cloutsy-ops-key';

const $ = (id) => document.getElementById(id);
let currentUser = null;
let currentLimit = null;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === 'text') {
      node.textContent = value;
    } else {
      node.setAttribute(name, value);
    }
  }
  children.forEach((child) => node.append(child));
  return node;
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) {
    headers['X-Ops-Key'] = key;
  }
  const response = await fetch('/ops/api' + path, { ...options, headers });
  if (response.status === 204) {
    return null;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (body.error === 'ops_key_required') {
      $('key-form').hidden = false;
    }
    throw new Error(body.message || ('HTTP ' + response.status));
  }
  return body;
}

function showError(error) {
  $('error').textContent = error ? error.message : '';
  $('error').hidden = !error;
}

function bytes(n) {
  if (n === null || n === undefined) {
    return '–';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}

function duration(seconds) {
  if (seconds < 60) {
    return seconds + ' s';
  }
  if (seconds < 3600) {
    return Math.floor(seconds / 60) + ' min';
  }
  if (seconds < 86400) {
    return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }
  return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
}

function ago(instant) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(instant)) / 1000));
  return seconds < 5 ? 'just now' : duration(seconds) + ' ago';
}

function fill(tbody, rows, columns) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'empty', colspan: columns, text: 'none' }))]));
}

function sparkline(history) {
  const svg = $('sparkline');
  const points = history.filter((sample) => sample.pingMillis !== null);
  svg.replaceChildren();
  if (!history.length) {
    return;
  }
  const max = Math.max(1, ...points.map((sample) => sample.pingMillis));
  const step = history.length > 1 ? 300 / (history.length - 1) : 0;
  const y = (millis) => 52 - (millis / max) * 46;
  const coordinates = [];
  history.forEach((sample, index) => {
    const x = history.length > 1 ? index * step : 150;
    if (sample.pingMillis === null || sample.status === 'DOWN') {
      svg.append(svgNode('circle', { class: 'down', cx: x, cy: 50, r: 2.5 }));
    }
    if (sample.pingMillis !== null) {
      coordinates.push(x.toFixed(1) + ',' + y(sample.pingMillis).toFixed(1));
    }
  });
  if (coordinates.length === 1) {
    coordinates.push((history.length > 1 ? 300 : 160) + ',' + coordinates[0].split(',')[1]);
  }
  svg.prepend(svgNode('polyline', { points: coordinates.join(' ') }));
  const minutes = Math.max(1, Math.round((Date.parse(history[history.length - 1].at) - Date.parse(history[0].at)) / 60000));
  const values = points.map((sample) => sample.pingMillis);
  $('spark-caption').textContent = values.length
    ? 'PING latency over the last ' + minutes + ' min: ' + Math.min(...values).toFixed(2) + '–'
      + Math.max(...values).toFixed(2) + ' ms (' + history.length + ' samples)'
    : 'PING failed in every sample';
}

function svgNode(tag, attributes) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  return node;
}

async function refreshHealth() {
  let health;
  try {
    health = await api('/health');
  } catch (error) {
    $('status').textContent = 'UNREACHABLE';
    $('status').dataset.status = 'DOWN';
    throw error;
  }
  $('status').textContent = health.status;
  $('status').dataset.status = health.status;
  $('endpoint').textContent = health.endpoint;
  $('ping').textContent = health.pingMillis === null ? 'failed' : health.pingMillis.toFixed(2) + ' ms';
  const server = health.server;
  $('memory').textContent = server ? bytes(server.usedMemory) : '–';
  $('peak').textContent = server ? bytes(server.peakMemory) : '–';
  $('maxmemory').textContent = server ? (server.maxMemory ? bytes(server.maxMemory) : 'no limit') + ' · '
    + server.maxMemoryPolicy : '–';
  $('clients').textContent = server ? server.connectedClients : '–';
  $('evicted').textContent = server ? server.evictedKeys : '–';
  $('server').textContent = server ? 'Redis ' + server.version + ' · ' + server.role : '–';
  $('uptime').textContent = server ? duration(server.uptimeSeconds) : '–';
  $('reasons').replaceChildren(...health.reasons.map((reason) => el('li', { text: reason })));
  sparkline(health.history);
  $('refreshed').textContent = new Date().toLocaleTimeString();
}

async function refreshKeyspace() {
  const keyspace = await api('/keyspace');
  $('keyspace-meta').textContent = keyspace.keysSampled + ' keys of this service measured ('
    + keyspace.end.toLowerCase().replace('_', ' ') + ', ' + keyspace.tookMillis + ' ms); database size '
    + keyspace.databaseSize + '.';
  fill($('keyspace').tBodies[0], keyspace.namespaces.map((namespace) => el('tr', {},
    el('td', { class: 'key', text: namespace.namespace }),
    el('td', { class: 'num', text: namespace.keys }),
    el('td', { class: 'num', text: bytes(namespace.bytes) }))), 3);
}

async function refreshBigKeys() {
  const big = await api('/big-keys');
  $('bigkeys-meta').textContent = big.keysSampled + ' keys sampled (' + big.end.toLowerCase().replace('_', ' ')
    + ', ' + big.tookMillis + ' ms).';
  fill($('bigkeys').tBodies[0], big.types.map((type) => el('tr', {},
    el('td', { text: type.type }),
    el('td', { class: 'num', text: type.keys }),
    el('td', { class: 'num', text: bytes(type.bytes) }),
    el('td', { class: 'key', text: type.biggest.key + ' (' + bytes(type.biggest.bytes) + ')' }))), 4);
}

async function refreshSlowlog() {
  const entries = await api('/slowlog');
  $('slowlog-meta').textContent = entries.length ? 'Newest first; arguments after the key are hidden.'
    : 'No command was slower than the server\'s slowlog-log-slower-than.';
  fill($('slowlog').tBodies[0], entries.map((entry) => el('tr', {},
    el('td', { text: new Date(entry.startedAt).toLocaleTimeString() }),
    el('td', { class: 'num', text: entry.micros >= 1000 ? (entry.micros / 1000).toFixed(1) + ' ms' : entry.micros + ' µs' }),
    el('td', { class: 'key', text: entry.command }))), 3);
}

async function lookUpUser(query) {
  const user = await api('/users?q=' + encodeURIComponent(query));
  currentUser = user;
  $('clean-result').hidden = true;
  $('user-meta').textContent = 'User ' + user.userId + (user.identifier ? ' (' + user.identifier + ')' : '') + ': '
    + user.total + ' session' + (user.total === 1 ? '' : 's')
    + (user.total > user.sessions.length ? ', the newest ' + user.sessions.length + ' shown.' : '.');
  fill($('sessions').tBodies[0], user.sessions.map((session) => {
    const revoke = el('button', { class: 'danger revoke', type: 'button', 'data-jti': session.jti, text: 'Revoke' });
    revoke.addEventListener('click', () => act(async () => {
      revoke.disabled = true;
      await api('/users/' + encodeURIComponent(user.userId) + '/sessions/' + encodeURIComponent(session.jti),
        { method: 'DELETE' });
      await lookUpUser(user.userId);
    }));
    return el('tr', { 'data-jti': session.jti },
      el('td', { 'data-label': 'device', text: session.deviceId }),
      el('td', { 'data-label': 'type', text: session.userType }),
      el('td', { 'data-label': 'user agent', class: 'key', text: session.userAgent || '–' }),
      el('td', { 'data-label': 'created', text: ago(session.createdAt) }),
      el('td', { 'data-label': 'last seen', text: ago(session.lastSeenAt) }),
      el('td', { 'data-label': 'jti', class: 'key', text: session.jti }),
      el('td', { class: 'action' }, revoke));
  }), 7);
  $('revoke-all').hidden = user.sessions.length === 0;
  $('clean-index').hidden = false;
}

async function loadRoutes() {
  const routes = await api('/rate-limits');
  $('limit-route').replaceChildren(...routes.map((route) => el('option', {
    value: route.name,
    text: route.name + ' (' + route.limit + '/' + duration(route.windowSeconds) + ', per ' + route.key.toLowerCase() + ')',
  })));
}

async function checkLimit(who, route) {
  const state = await api('/rate-limits/state?who=' + encodeURIComponent(who) + '&route=' + encodeURIComponent(route));
  currentLimit = { who, route };
  const item = (name, value) => el('div', {}, el('dt', { text: name }), el('dd', { text: value }));
  $('limit-state').replaceChildren(
    item('remaining', state.remaining + ' of ' + state.limit),
    item('next request', state.allowed ? 'allowed' : 'refused for ' + Math.ceil(state.retryAfterMillis / 1000) + ' s'),
    item('full again in', Math.ceil(state.resetAfterMillis / 1000) + ' s'),
    item('key', state.key));
  $('limit-reset').hidden = false;
}

async function act(action) {
  try {
    await action();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function refreshAll(includeDiagnostics) {
  await act(async () => {
    const work = [refreshHealth()];
    if (includeDiagnostics) {
      work.push(refreshKeyspace(), refreshBigKeys(), refreshSlowlog());
    }
    if (currentUser) {
      work.push(lookUpUser(currentUser.userId));
    }
    if (currentLimit) {
      work.push(checkLimit(currentLimit.who, currentLimit.route));
    }
    await Promise.all(work);
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('ops-key').value);
    $('key-form').hidden = true;
    refreshAll(true);
    act(loadRoutes);
  });
  $('user-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = $('user-query').value.trim();
    if (query) {
      act(() => lookUpUser(query));
    }
  });
  $('revoke-all').addEventListener('click', () => act(async () => {
    await api('/users/' + encodeURIComponent(currentUser.userId) + '/sessions', { method: 'DELETE' });
    await lookUpUser(currentUser.userId);
  }));
  $('clean-index').addEventListener('click', () => act(async () => {
    const cleanup = await api('/users/' + encodeURIComponent(currentUser.userId) + '/sessions/index/clean',
      { method: 'POST' });
    await lookUpUser(currentUser.userId);
    $('clean-result').textContent = 'Index cleaned: ' + cleanup.dropped + ' dead entries dropped, ' + cleanup.evicted
      + ' sessions over the limit ended, ' + cleanup.remaining + ' left.';
    $('clean-result').hidden = false;
  }));
  $('limit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const who = $('limit-who').value.trim();
    if (who) {
      act(() => checkLimit(who, $('limit-route').value));
    }
  });
  $('limit-reset').addEventListener('click', () => act(async () => {
    await api('/rate-limits/state?who=' + encodeURIComponent(currentLimit.who) + '&route='
      + encodeURIComponent(currentLimit.route), { method: 'DELETE' });
    await checkLimit(currentLimit.who, currentLimit.route);
  }));

  let ticks = 0;
  refreshAll(true);
  act(loadRoutes);
  setInterval(() => {
    ticks++;
    if ($('auto').checked) {
      refreshAll(ticks % (DIAGNOSTICS_EVERY_MS / HEALTH_EVERY_MS) === 0);
    }
  }, HEALTH_EVERY_MS);
});
