// mcp-shield — live decision dashboard (served as /dashboard/app.js).
//
// Data flow:
//   1. Initial load: GET /audit/stats?minutes=60 (counters, chart, top lists) and GET /audit?limit=100
//      (the feed, newest first).
//   2. Live updates: one EventSource on /events?after=<highest id loaded>. Every `decision` event is
//      counted once (ids at or below the stream cursor are replays and are ignored), drawn into the
//      chart's current minute, and added to the feed when it matches the filters.
//   3. After events arrive, /audit/stats is fetched again (at most every few seconds) to refresh the
//      top lists and reconcile the counters. Nothing is polled while nothing happens.
//   4. Tool contracts: GET /contracts on load and whenever an event's rule starts with `contract.`
//      or `poisoning.`; the pins waiting for approval are listed with their diff and findings, and
//      "Approve" sends POST /contracts/approve {server, kind, name}, then lists them again.
//
// Security: everything the API returns is untrusted (server names, tool names, arguments and
// reasons come from whoever called the shield). It reaches the DOM only through textContent,
// createTextNode and a few safe attributes (data-id, title, value). No HTML is ever parsed from
// data, and the page runs under a CSP without 'unsafe-inline'. Authentication is an HttpOnly cookie
// set by the server: this script never sees a token. Tool contracts come from the MCP servers
// themselves: in them, control and invisible characters (C0, C1, format characters such as
// zero-width and bidi controls, the Tags block) are shown as visible `\u{XXXX}` escapes, so a
// poisoned definition cannot hide text from the person approving it.

'use strict';

(() => {
  // ---------------------------------------------------------------------------------------------
  // Settings
  // ---------------------------------------------------------------------------------------------

  const INITIAL_FEED_LIMIT = 100;      // records fetched on load and on every filter change
  const MAX_FEED_ROWS = 500;           // older rows fall off the bottom of the feed
  const STATS_MINUTES = 60;            // the chart's window
  const STATS_MIN_INTERVAL_MS = 5000;  // at most one stats refetch per this interval
  const STATS_SETTLE_MS = 1000;        // wait this long after an event before refetching stats
  const FILTER_DEBOUNCE_MS = 300;      // typing in the server filter
  const RECONNECT_MIN_MS = 1000;       // event-stream reconnect backoff
  const RECONNECT_MAX_MS = 15000;
  const TOP_LIST_SIZE = 5;
  const CONTRACTS_SETTLE_MS = 300;     // after a contract.* / poisoning.* event, before GET /contracts
  const MINUTE_MS = 60000;

  // ---------------------------------------------------------------------------------------------
  // Elements
  // ---------------------------------------------------------------------------------------------

  const byId = (id) => document.getElementById(id);

  const ui = {
    status: byId('status'),
    error: byId('error'),
    countTotal: byId('count-total'),
    countAllowed: byId('count-allowed'),
    countBlocked: byId('count-blocked'),
    blockRate: byId('block-rate'),
    chart: byId('chart'),
    chartTip: byId('chart-tip'),
    filters: byId('filters'),
    filterServer: byId('filter-server'),
    filterDecision: byId('filter-decision'),
    serverNames: byId('server-names'),
    feedBody: byId('feed-body'),
    feedEmpty: byId('feed-empty'),
    detail: byId('detail'),
    detailEmpty: byId('detail-empty'),
    detailBody: byId('detail-body'),
    detailSummary: byId('detail-summary'),
    detailFields: byId('detail-fields'),
    detailArgs: byId('detail-args'),
    detailClose: byId('detail-close'),
    topRules: byId('top-rules'),
    topTools: byId('top-tools'),
    topServers: byId('top-servers'),
    contracts: byId('contracts'),
    contractsCount: byId('contracts-count'),
    contractsRefresh: byId('contracts-refresh'),
    contractsError: byId('contracts-error'),
    contractsList: byId('contracts-list'),
    contractsEmpty: byId('contracts-empty'),
  };

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------

  const state = {
    // Highest record id the event stream has delivered (or the initial load started after). Each
    // record is counted exactly once: when an event with a larger id arrives.
    cursor: 0,
    // The feed: id -> record and id -> <tr>, for the rows currently shown.
    records: new Map(),
    rows: new Map(),
    // Bumped by every feed (re)load so that a slow, superseded response is dropped.
    feedGeneration: 0,
    filter: { server: '', decision: '' },
    selectedId: null,
    counts: { total: 0, allowed: 0, blocked: 0 },
    // Chart buckets: minute start (ms since epoch) -> { total, blocked }.
    timeline: new Map(),
    // Event stream.
    source: null,
    reconnectDelay: RECONNECT_MIN_MS,
    reconnectTimer: null,
    // Stats refetching.
    statsTimer: null,
    statsLastRequest: 0,
    eventsSeen: 0,       // events counted so far; tells whether any arrived during a stats request
    // Top lists: name -> BLOCK count for rules and tools; server -> { total, blocked }. Set from
    // /audit/stats and counted up live from events, like the counters.
    tops: { rules: new Map(), tools: new Map(), servers: new Map() },
    topsDrawScheduled: false,
    // Tool contracts: bumped by every GET /contracts so that a superseded response is dropped.
    contractsGeneration: 0,
    contractsTimer: null,
  };

  // ---------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------

  /** Creates an element with an optional class and text (always as text, never as HTML). */
  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Removes every child of `node`. */
  function clear(node) {
    node.replaceChildren();
  }

  /** GET a JSON document from the API. Throws an Error with the server's message on failure. */
  async function getJSON(url) {
    const response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`.trim();
      try {
        const body = await response.json();
        if (body && body.error && typeof body.error.message === 'string') {
          message = `${response.status}: ${body.error.message}`;
        }
      } catch (_) {
        // Not JSON: keep the status line.
      }
      const error = new Error(`GET ${url} failed (${message})`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /** POST a JSON body to the API; returns the JSON answer. Throws like getJSON. */
  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
    });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`.trim();
      try {
        const answer = await response.json();
        if (answer && answer.error && typeof answer.error.message === 'string') {
          message = `${response.status}: ${answer.error.message}`;
        }
      } catch (_) {
        // Not JSON: keep the status line.
      }
      const error = new Error(`POST ${url} failed (${message})`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /**
   * Characters that draw nothing or change how other text is drawn: C0 and C1 controls, DEL,
   * format characters (Cf: zero-width, bidi embeddings, overrides and isolates, the BOM, soft
   * hyphen, the Tags block), line and paragraph separators, variation selectors, the whole Tags
   * block U+E0000–U+E007F, and the Hangul fillers that render as blank.
   */
  const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}\uFE00-\uFE0F\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0]/gu;

  /** `text` with every invisible character replaced by `\u{XXXX}` (for titles and tests). */
  function visibleText(text) {
    return String(text).replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}}`);
  }

  /**
   * Appends `text` to `parent` as text nodes, with every invisible character shown as a
   * highlighted `\u{XXXX}` (a <span class="esc">), so nothing in it can hide.
   */
  function appendVisible(parent, text) {
    const string = String(text);
    let last = 0;
    for (const match of string.matchAll(INVISIBLE)) {
      if (match.index > last) parent.append(document.createTextNode(string.slice(last, match.index)));
      const code = match[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
      const esc = make('span', 'esc', `\\u{${code}}`);
      esc.setAttribute('title', `invisible character U+${code}`);
      parent.append(esc);
      last = match.index + match[0].length;
    }
    if (last < string.length) parent.append(document.createTextNode(string.slice(last)));
    return parent;
  }

  /** An element whose text is `text` with invisible characters shown (see appendVisible). */
  function makeVisible(tag, className, text) {
    return appendVisible(make(tag, className), text);
  }

  /** A record's time in ms since epoch (time_ms, else the ISO timestamp). */
  function recordTime(record) {
    if (typeof record.time_ms === 'number') return record.time_ms;
    const parsed = Date.parse(record.timestamp);
    return Number.isNaN(parsed) ? Date.now() : parsed;
  }

  const pad = (n, width = 2) => String(n).padStart(width, '0');

  /** 15:04:05.123 today; "Nov 25 15:04" on other days. Local time. */
  function formatTime(ms) {
    const d = new Date(ms);
    const now = new Date();
    const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth()
      && d.getDate() === now.getDate();
    if (sameDay) {
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    }
    const month = d.toLocaleString(undefined, { month: 'short' });
    return `${month} ${d.getDate()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function formatMinute(ms) {
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function percent(part, whole) {
    return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–';
  }

  function isBlock(record) {
    return record.decision === 'BLOCK';
  }

  function showError(message) {
    ui.error.textContent = message;
    ui.error.hidden = false;
  }

  function clearError() {
    ui.error.hidden = true;
    ui.error.textContent = '';
  }

  // ---------------------------------------------------------------------------------------------
  // Connection status
  // ---------------------------------------------------------------------------------------------

  const STATUS_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' };

  function setStatus(kind) {
    ui.status.textContent = STATUS_TEXT[kind];
    ui.status.className = `status status-${kind}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Counters
  // ---------------------------------------------------------------------------------------------

  function renderCounts() {
    const { total, allowed, blocked } = state.counts;
    // Plain integers (no locale grouping) so the numbers are easy to read by tools too.
    ui.countTotal.textContent = String(total);
    ui.countAllowed.textContent = String(allowed);
    ui.countBlocked.textContent = String(blocked);
    ui.blockRate.textContent = percent(blocked, total);
  }

  // ---------------------------------------------------------------------------------------------
  // Feed
  // ---------------------------------------------------------------------------------------------

  function matchesFilter(record) {
    const { server, decision } = state.filter;
    return (server === '' || record.server === server) && (decision === '' || record.decision === decision);
  }

  /** A table cell holding `text`; `title` (the full value) shows when the cell is cut short. */
  function textCell(className, text, title) {
    const td = make('td', className, text);
    if (title) td.setAttribute('title', title);
    return td;
  }

  function decisionBadge(decision) {
    const kind = decision === 'BLOCK' ? 'block' : decision === 'ALLOW' ? 'allow' : 'other';
    return make('span', `badge badge-${kind}`, decision);
  }

  function buildRow(record) {
    const tr = document.createElement('tr');
    tr.dataset.id = String(record.id);
    tr.tabIndex = 0;
    if (record.id === state.selectedId) tr.classList.add('selected');

    const time = recordTime(record);
    const decision = make('td', 'col-decision');
    decision.append(decisionBadge(String(record.decision)));

    tr.append(
      textCell('col-time', formatTime(time), String(record.timestamp ?? new Date(time).toISOString())),
      decision,
      textCell('col-server', record.server, record.server),
      textCell('col-tool', record.tool, record.tool),
      textCell('col-rule', record.rule ?? '—', record.rule ?? undefined),
      textCell('col-reason', record.reason, record.reason),
    );
    return tr;
  }

  /**
   * Adds a record to the feed in id order (newest on top), unless it is already there.
   * Records almost always arrive newest-first or newer-than-everything, so the scan is short.
   */
  function insertRecord(record, { fresh = false } = {}) {
    const id = Number(record.id);
    if (!Number.isFinite(id) || state.rows.has(id)) return;
    record.id = id;

    const row = buildRow(record);
    if (fresh) {
      row.classList.add('fresh');
      row.addEventListener('animationend', () => row.classList.remove('fresh'), { once: true });
    }

    let before = ui.feedBody.firstElementChild;
    while (before && Number(before.dataset.id) > id) before = before.nextElementSibling;
    ui.feedBody.insertBefore(row, before);
    state.rows.set(id, row);
    state.records.set(id, record);

    // Keep the table bounded: drop the oldest rows.
    while (state.rows.size > MAX_FEED_ROWS) {
      const last = ui.feedBody.lastElementChild;
      const lastId = Number(last.dataset.id);
      last.remove();
      state.rows.delete(lastId);
      state.records.delete(lastId);
    }
    updateFeedEmpty();
  }

  function clearFeed() {
    clear(ui.feedBody);
    state.rows.clear();
    state.records.clear();
    updateFeedEmpty();
  }

  function updateFeedEmpty() {
    const filtered = state.filter.server !== '' || state.filter.decision !== '';
    ui.feedEmpty.textContent = filtered ? 'No decisions match the filters.' : 'No decisions yet.';
    ui.feedEmpty.hidden = state.rows.size > 0;
  }

  function feedQuery() {
    const params = new URLSearchParams({ limit: String(INITIAL_FEED_LIMIT) });
    if (state.filter.decision) params.set('decision', state.filter.decision);
    if (state.filter.server) params.set('server', state.filter.server);
    return `/audit?${params}`;
  }

  /**
   * (Re)loads the feed for the current filters. The table is cleared first, so events that arrive
   * while the request is in flight are shown at once; the response is merged in (duplicates are
   * skipped). Returns the records loaded, or null when a newer load superseded this one.
   */
  async function loadFeed() {
    const generation = ++state.feedGeneration;
    clearFeed();
    const body = await getJSON(feedQuery());
    if (generation !== state.feedGeneration) return null;
    const logs = Array.isArray(body.logs) ? body.logs : [];
    for (const record of logs) {
      if (matchesFilter(record)) insertRecord(record);
    }
    return logs;
  }

  // ---------------------------------------------------------------------------------------------
  // Filters
  // ---------------------------------------------------------------------------------------------

  let filterDebounce = null;

  function applyFilters() {
    clearTimeout(filterDebounce);
    const next = { server: ui.filterServer.value.trim(), decision: ui.filterDecision.value };
    if (next.server === state.filter.server && next.decision === state.filter.decision) return;
    state.filter = next;
    loadFeed().then(clearError, (error) => showError(error.message));
  }

  function wireFilters() {
    // Browsers restore form fields on reload; the feed always starts unfiltered.
    ui.filters.reset();
    ui.filters.addEventListener('submit', (event) => {
      event.preventDefault();
      applyFilters();
    });
    ui.filterDecision.addEventListener('change', applyFilters);
    ui.filterServer.addEventListener('change', applyFilters);
    ui.filterServer.addEventListener('input', () => {
      clearTimeout(filterDebounce);
      filterDebounce = setTimeout(applyFilters, FILTER_DEBOUNCE_MS);
    });
  }

  function setServerFilter(name) {
    ui.filterServer.value = name;
    applyFilters();
  }

  // ---------------------------------------------------------------------------------------------
  // Detail view
  // ---------------------------------------------------------------------------------------------

  // The detail view shows what was decided first, then the arguments, then the rest of the record
  // (bookkeeping and the hash chain). Fields not listed here go at the end of the second list.
  const SUMMARY_FIELDS = ['id', 'timestamp', 'decision', 'server', 'tool', 'rule', 'reason', 'path', 'policy'];
  const RECORD_FIELDS = [
    'surface', 'session', 'blocked', 'redactions', 'truncated', 'latency_us', 'time_ms',
    'arguments_sha256', 'hash', 'prev_hash',
  ];
  const MONO_FIELDS = new Set(['id', 'rule', 'path', 'tool', 'server', 'session', 'arguments_sha256', 'hash', 'prev_hash', 'time_ms']);

  /** Appends <dt>key</dt><dd>value</dd> pairs for `keys` of `record` to `list`. */
  function renderFields(list, record, keys) {
    clear(list);
    for (const key of keys) {
      const value = record[key];
      const dd = make('dd');
      if (key === 'decision') {
        dd.append(decisionBadge(String(value)));
      } else if (value === null || value === undefined) {
        dd.textContent = 'null';
        dd.classList.add('null');
      } else if (typeof value === 'object') {
        dd.textContent = JSON.stringify(value);
        dd.classList.add('mono');
      } else {
        dd.textContent = key === 'latency_us' ? `${value} µs` : String(value);
        if (MONO_FIELDS.has(key)) dd.classList.add('mono');
      }
      list.append(make('dt', null, key), dd);
    }
  }

  function renderDetail(record) {
    const known = new Set([...SUMMARY_FIELDS, ...RECORD_FIELDS, 'arguments']);
    renderFields(ui.detailSummary, record, SUMMARY_FIELDS.filter((key) => key in record));
    renderFields(ui.detailFields, record, RECORD_FIELDS.filter((key) => key in record)
      .concat(Object.keys(record).filter((key) => !known.has(key))));

    // The arguments as stored: already redacted by the server, pretty-printed, as text.
    ui.detailArgs.textContent = record.arguments === undefined
      ? '(not recorded)'
      : JSON.stringify(record.arguments, null, 2);

    ui.detail.dataset.id = String(record.id);   // which record is shown (used by tests)
    ui.detailEmpty.hidden = true;
    ui.detailBody.hidden = false;
    ui.detailClose.hidden = false;
  }

  function markSelected(id) {
    for (const row of ui.feedBody.querySelectorAll('tr.selected')) row.classList.remove('selected');
    const row = state.rows.get(id);
    if (row) row.classList.add('selected');
  }

  /** Shows a record: at once from the feed's copy, then from GET /audit/{id}. */
  async function selectRecord(id) {
    state.selectedId = id;
    markSelected(id);
    const cached = state.records.get(id);
    if (cached) renderDetail(cached);
    try {
      const record = await getJSON(`/audit/${encodeURIComponent(id)}`);
      if (state.selectedId === id) renderDetail(record);
    } catch (error) {
      if (!cached && state.selectedId === id) showError(error.message);
    }
  }

  function closeDetail() {
    state.selectedId = null;
    markSelected(null);
    clear(ui.detailSummary);
    clear(ui.detailFields);
    ui.detailArgs.textContent = '';
    delete ui.detail.dataset.id;
    ui.detailBody.hidden = true;
    ui.detailClose.hidden = true;
    ui.detailEmpty.hidden = false;
  }

  function wireFeed() {
    const rowId = (event) => {
      const row = event.target.closest('tr[data-id]');
      return row ? Number(row.dataset.id) : null;
    };
    ui.feedBody.addEventListener('click', (event) => {
      const id = rowId(event);
      if (id !== null) selectRecord(id);
    });
    ui.feedBody.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const id = rowId(event);
      if (id === null) return;
      event.preventDefault();
      selectRecord(id);
    });
    ui.detailClose.addEventListener('click', closeDetail);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && state.selectedId !== null) closeDetail();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Tool contracts waiting for approval
  // ---------------------------------------------------------------------------------------------

  const WAITING_STATUSES = new Set(['new', 'changed']);

  /** Whether a record may have changed what waits: a contract or poisoning decision. */
  function touchesContracts(record) {
    const rule = typeof record.rule === 'string' ? record.rule : '';
    return rule.startsWith('contract.') || rule.startsWith('poisoning.');
  }

  /** Schedules one GET /contracts shortly after a contract event (several events, one request). */
  function scheduleContractsRefresh() {
    if (state.contractsTimer !== null) return;
    state.contractsTimer = setTimeout(() => {
      state.contractsTimer = null;
      refreshContracts();
    }, CONTRACTS_SETTLE_MS);
  }

  /** Fetches /contracts and lists what waits. Errors are shown in the panel, never thrown. */
  async function refreshContracts() {
    const generation = ++state.contractsGeneration;
    let body;
    try {
      body = await getJSON('/contracts');
    } catch (error) {
      if (generation !== state.contractsGeneration) return;
      if (error.status === 501) {
        // This server keeps no pins (no contract store): nothing can wait.
        renderContracts([], 'This server keeps no tool contract pins.');
        return;
      }
      showContractsError(error.message);
      return;
    }
    if (generation !== state.contractsGeneration) return;
    hideContractsError();
    const waiting = [];
    for (const server of Array.isArray(body.servers) ? body.servers : []) {
      if (!server || typeof server !== 'object') continue;
      for (const pin of Array.isArray(server.pins) ? server.pins : []) {
        if (pin && WAITING_STATUSES.has(pin.status)) waiting.push({ server, pin });
      }
    }
    renderContracts(waiting);
  }

  function showContractsError(message) {
    ui.contractsError.textContent = message;
    ui.contractsError.hidden = false;
    if (ui.contractsList.childElementCount === 0) ui.contractsEmpty.hidden = true;
  }

  function hideContractsError() {
    ui.contractsError.hidden = true;
    ui.contractsError.textContent = '';
  }

  function renderContracts(waiting, emptyText = 'Nothing waiting for approval.') {
    clear(ui.contractsList);
    for (const entry of waiting) ui.contractsList.append(buildContract(entry.server, entry.pin));
    ui.contractsEmpty.textContent = emptyText;
    ui.contractsEmpty.hidden = waiting.length > 0;
    ui.contractsCount.textContent = String(waiting.length);
    ui.contractsCount.hidden = waiting.length === 0;
    ui.contracts.classList.toggle('has-waiting', waiting.length > 0);
  }

  /** The CSS class of a diff line: `+` added, `-` removed, `~` changed. */
  function diffClass(line) {
    switch (line.charAt(0)) {
      case '+': return 'diff-line diff-add';
      case '-': return 'diff-line diff-remove';
      case '~': return 'diff-line diff-change';
      default: return 'diff-line';
    }
  }

  /** One waiting pin: what it is, where it comes from, its diff, its findings, and "Approve". */
  function buildContract(server, pin) {
    const key = String(server.key ?? '');
    const kind = String(pin.kind ?? '');
    const name = String(pin.name ?? '');
    const status = String(pin.status);

    const li = make('li', 'contract');
    li.dataset.server = key;
    li.dataset.kind = kind;
    li.dataset.name = name;

    const head = make('div', 'contract-head');
    const title = make('div', 'contract-title');
    title.append(
      make('span', `badge badge-${status === 'new' ? 'new' : 'changed'}`, status),
      make('span', 'contract-kind', kind),
      makeVisible('span', 'contract-name mono', name),
    );
    const approve = make('button', 'btn-approve', 'Approve');
    approve.type = 'button';
    approve.setAttribute('title', `Approve ${kind} ${visibleText(name)} of ${visibleText(server.name ?? key)}`);
    head.append(title, approve);

    const origin = make('div', 'contract-server');
    origin.append(make('span', 'muted', 'server '), makeVisible('span', 'contract-server-name', server.name ?? ''));
    origin.append(make('span', 'contract-key mono', key));
    const observed = Number(pin.observed_ms);
    if (Number.isFinite(observed) && observed > 0) origin.append(make('span', 'muted contract-seen', `seen ${formatTime(observed)}`));
    if (server.identity !== undefined) origin.setAttribute('title', visibleText(JSON.stringify(server.identity)));

    li.append(head, origin);

    const diff = Array.isArray(pin.diff) ? pin.diff : [];
    if (diff.length > 0) {
      const pre = make('pre', 'code diff');
      for (const line of diff) {
        const text = String(line);
        pre.append(makeVisible('span', diffClass(text), text));
      }
      li.append(pre);
    }

    const findings = Array.isArray(pin.findings) ? pin.findings : [];
    if (findings.length > 0) {
      li.append(make('h3', 'subhead', `Poisoning findings (${findings.length})`));
      const list = make('ul', 'findings');
      for (const finding of findings) {
        const item = make('li', 'finding');
        item.append(
          makeVisible('span', 'finding-rule mono', finding.rule ?? ''),
          makeVisible('span', 'finding-field mono', finding.field ?? ''),
        );
        if (finding.excerpt) item.append(makeVisible('code', 'finding-excerpt', finding.excerpt));
        if (finding.detail) item.append(makeVisible('span', 'finding-detail muted', finding.detail));
        list.append(item);
      }
      li.append(list);
    }

    const error = make('p', 'inline-error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    li.append(error);

    approve.addEventListener('click', () => approveContract({ server: key, kind, name }, approve, error));
    return li;
  }

  /** POST /contracts/approve for one pin, then lists what waits again. */
  async function approveContract(body, button, error) {
    button.disabled = true;
    button.textContent = 'Approving…';
    error.hidden = true;
    try {
      await postJSON('/contracts/approve', body);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      button.disabled = false;
      button.textContent = 'Approve';
      return;
    }
    await refreshContracts();
  }

  function wireContracts() {
    ui.contractsRefresh.addEventListener('click', () => refreshContracts());
  }

  // ---------------------------------------------------------------------------------------------
  // Stats: top lists, counters, chart buckets
  // ---------------------------------------------------------------------------------------------

  /**
   * Fills an <ol> with up to TOP_LIST_SIZE entries: a name, a count and a bar proportional to the
   * largest count. `pick`, if given, makes the name a button.
   */
  function renderTopList(list, entries, { emptyText, pick } = {}) {
    clear(list);
    const shown = entries.slice(0, TOP_LIST_SIZE);
    if (shown.length === 0) {
      list.append(make('li', 'none', emptyText || 'Nothing blocked.'));
      return;
    }
    const max = Math.max(...shown.map((entry) => entry.value), 1);
    for (const entry of shown) {
      const li = make('li');
      const bar = make('span', 'bar');
      bar.style.width = `${(entry.value / max) * 100}%`;

      let name;
      if (pick) {
        name = make('button', 'name', entry.name);
        name.type = 'button';
        name.setAttribute('title', `Show only ${entry.name}`);
        name.addEventListener('click', () => pick(entry.name));
      } else {
        name = make('span', 'name', entry.name);
        name.setAttribute('title', entry.name);
      }
      li.append(bar, name, make('span', 'count', entry.label));
      list.append(li);
    }
  }

  /** Takes the top lists from a stats response, then draws them. */
  function renderTopLists(stats) {
    state.tops.rules = new Map((stats.by_rule || []).map((r) => [String(r.rule), Number(r.count) || 0]));
    state.tops.tools = new Map((stats.by_tool || []).map((t) => [String(t.tool), Number(t.count) || 0]));
    state.tops.servers = new Map(
      (stats.by_server || []).map((s) => [String(s.server), { total: Number(s.total) || 0, blocked: Number(s.blocked) || 0 }]),
    );
    drawTopLists();

    // Offer the known server names as suggestions in the server filter.
    clear(ui.serverNames);
    for (const s of stats.by_server || []) {
      const option = document.createElement('option');
      option.value = String(s.server);
      ui.serverNames.append(option);
    }
  }

  /** Draws the three top lists from `state.tops`, largest first. */
  function drawTopLists() {
    state.topsDrawScheduled = false;
    const ranked = (map) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([name, count]) => ({ name, value: count, label: String(count) }));
    const servers = [...state.tops.servers.entries()]
      .filter(([, s]) => s.blocked > 0)
      .sort((a, b) => b[1].blocked - a[1].blocked || b[1].total - a[1].total)
      .map(([name, s]) => ({ name, value: s.blocked, label: `${s.blocked} of ${s.total}` }));
    renderTopList(ui.topRules, ranked(state.tops.rules));
    renderTopList(ui.topTools, ranked(state.tops.tools));
    renderTopList(ui.topServers, servers, { pick: setServerFilter });
  }

  /** Counts a new record into the top lists; draws at most once per animation frame. */
  function countTops(record) {
    const server = String(record.server);
    const entry = state.tops.servers.get(server) || { total: 0, blocked: 0 };
    entry.total += 1;
    if (isBlock(record)) {
      entry.blocked += 1;
      const rule = String(record.rule ?? '');
      const tool = String(record.tool);
      state.tops.rules.set(rule, (state.tops.rules.get(rule) || 0) + 1);
      state.tops.tools.set(tool, (state.tops.tools.get(tool) || 0) + 1);
    }
    state.tops.servers.set(server, entry);
    if (!state.topsDrawScheduled) {
      state.topsDrawScheduled = true;
      requestAnimationFrame(drawTopLists);
    }
  }

  /** Replaces the counters and chart buckets with the server's numbers. */
  function applyAuthoritativeStats(stats) {
    state.counts = {
      total: Number(stats.total) || 0,
      allowed: Number(stats.allowed) || 0,
      blocked: Number(stats.blocked) || 0,
    };
    state.timeline.clear();
    for (const point of stats.timeline || []) {
      state.timeline.set(Number(point.minute), { total: Number(point.total) || 0, blocked: Number(point.blocked) || 0 });
    }
    renderCounts();
    requestChartDraw();
  }

  /**
   * Fetches /audit/stats. Top lists are always refreshed. Counters and chart are replaced only if
   * no event arrived while the request was in flight: otherwise the response may or may not include
   * those events, and the live numbers stay until the next (already scheduled) refetch settles it.
   */
  async function refreshStats({ initial = false } = {}) {
    const eventsBefore = state.eventsSeen;
    state.statsLastRequest = Date.now();
    const stats = await getJSON(`/audit/stats?minutes=${STATS_MINUTES}`);
    renderTopLists(stats);
    if (initial || state.eventsSeen === eventsBefore) applyAuthoritativeStats(stats);
  }

  /** Schedules one stats refetch, no sooner than STATS_MIN_INTERVAL_MS after the previous one. */
  function scheduleStatsRefresh() {
    if (state.statsTimer !== null) return;
    const wait = Math.max(STATS_SETTLE_MS, state.statsLastRequest + STATS_MIN_INTERVAL_MS - Date.now());
    state.statsTimer = setTimeout(() => {
      state.statsTimer = null;
      refreshStats().catch((error) => console.warn('mcp-shield: stats refresh failed:', error));
    }, wait);
  }

  // ---------------------------------------------------------------------------------------------
  // Live events
  // ---------------------------------------------------------------------------------------------

  /** Counts a new record: counters and the chart bucket of its minute. */
  function countRecord(record) {
    state.eventsSeen += 1;
    // A sandbox's launch or exit is listed but is not a decision: the counters and chart skip it.
    if (record.surface === 'sandbox') return;
    state.counts.total += 1;
    if (isBlock(record)) state.counts.blocked += 1;
    else state.counts.allowed += 1;
    renderCounts();
    countTops(record);

    const minute = Math.floor(recordTime(record) / MINUTE_MS) * MINUTE_MS;
    const bucket = state.timeline.get(minute) || { total: 0, blocked: 0 };
    bucket.total += 1;
    if (isBlock(record)) bucket.blocked += 1;
    state.timeline.set(minute, bucket);
    requestChartDraw();
  }

  function onDecisionEvent(event) {
    let record;
    try {
      record = JSON.parse(event.data);
    } catch (_) {
      console.warn('mcp-shield: ignoring an event that is not JSON');
      return;
    }
    if (!record || typeof record !== 'object') return;
    const id = Number(record.id ?? event.lastEventId);
    if (!Number.isFinite(id)) return;
    record.id = id;

    // A replay of something already counted (after a reconnect): ignore.
    if (id <= state.cursor) return;
    state.cursor = id;

    countRecord(record);
    if (matchesFilter(record)) insertRecord(record, { fresh: true });
    scheduleStatsRefresh();
    if (touchesContracts(record)) scheduleContractsRefresh();
  }

  /**
   * Opens the event stream after the cursor. The browser's own reconnect would resend
   * Last-Event-ID, but it gives up for good on some errors (an HTTP error status, a wrong content
   * type); reconnecting here, with backoff and `after=` the cursor, covers every case alike.
   */
  function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (state.source) state.source.close();

    const source = new EventSource(`/events?after=${encodeURIComponent(state.cursor)}`);
    state.source = source;

    source.addEventListener('open', () => {
      if (state.source !== source) return;
      state.reconnectDelay = RECONNECT_MIN_MS;
      setStatus('live');
    });
    source.addEventListener('decision', onDecisionEvent);
    source.addEventListener('error', () => {
      if (state.source !== source) return;
      source.close();
      state.source = null;
      setStatus('reconnecting');
      state.reconnectTimer = setTimeout(connect, state.reconnectDelay);
      state.reconnectDelay = Math.min(state.reconnectDelay * 2, RECONNECT_MAX_MS);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Chart (canvas): allowed and blocked per minute as stacked bars, block rate as a line
  // ---------------------------------------------------------------------------------------------

  const CHART_PAD = { left: 34, right: 40, top: 10, bottom: 22 };
  let chartFrame = 0;
  let chartGeometry = null;   // what the last draw laid out, for the hover tooltip

  function requestChartDraw() {
    if (chartFrame) return;
    chartFrame = requestAnimationFrame(() => {
      chartFrame = 0;
      drawChart();
    });
  }

  /** The last STATS_MINUTES minutes, oldest first, including empty ones. */
  function chartBuckets() {
    const current = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const buckets = [];
    for (let i = STATS_MINUTES - 1; i >= 0; i -= 1) {
      const minute = current - i * MINUTE_MS;
      const bucket = state.timeline.get(minute) || { total: 0, blocked: 0 };
      buckets.push({ minute, total: bucket.total, blocked: bucket.blocked });
    }
    return buckets;
  }

  /** The smallest 1, 2 or 5 × 10^k that is at least `value`. */
  function niceCeiling(value) {
    if (value <= 1) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 5, 10]) {
      if (step * power >= value) return step * power;
    }
    return 10 * power;
  }

  function drawChart() {
    const canvas = ui.chart;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;

    // Draw at device resolution so lines stay sharp.
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const css = getComputedStyle(document.documentElement);
    const color = (name) => css.getPropertyValue(name).trim();
    const font = `11px ${css.getPropertyValue('--font')}`;

    const buckets = chartBuckets();
    const plot = {
      x: CHART_PAD.left,
      y: CHART_PAD.top,
      w: width - CHART_PAD.left - CHART_PAD.right,
      h: height - CHART_PAD.top - CHART_PAD.bottom,
    };
    const yMax = niceCeiling(Math.max(...buckets.map((b) => b.total), 1));
    const slot = plot.w / buckets.length;
    const barWidth = Math.max(1, slot * 0.72);
    const yOf = (count) => plot.y + plot.h - (count / yMax) * plot.h;

    // Grid and axes: counts on the left, block rate on the right.
    ctx.font = font;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    for (const fraction of [0, 0.5, 1]) {
      const y = Math.round(plot.y + plot.h - fraction * plot.h) + 0.5;
      ctx.strokeStyle = color('--grid');
      ctx.beginPath();
      ctx.moveTo(plot.x, y);
      ctx.lineTo(plot.x + plot.w, y);
      ctx.stroke();

      ctx.fillStyle = color('--muted');
      ctx.textAlign = 'right';
      const count = yMax * fraction;
      ctx.fillText(Number.isInteger(count) ? String(count) : count.toFixed(1), plot.x - 6, y);
      ctx.textAlign = 'left';
      ctx.fillText(`${fraction * 100}%`, plot.x + plot.w + 6, y);
    }

    // Time labels every 10 minutes, and "now" at the right end.
    ctx.textBaseline = 'top';
    ctx.textAlign = 'center';
    ctx.fillStyle = color('--muted');
    buckets.forEach((bucket, i) => {
      const fromEnd = buckets.length - 1 - i;
      if (fromEnd % 10 !== 0) return;
      const x = plot.x + slot * (i + 0.5);
      ctx.fillText(fromEnd === 0 ? 'now' : formatMinute(bucket.minute), x, plot.y + plot.h + 6);
    });

    // Stacked bars: blocked at the base (red), allowed above it (green).
    buckets.forEach((bucket, i) => {
      if (bucket.total === 0) return;
      const x = plot.x + slot * i + (slot - barWidth) / 2;
      const blockedTop = yOf(bucket.blocked);
      const totalTop = yOf(bucket.total);
      ctx.fillStyle = color('--block-bar');
      ctx.fillRect(x, blockedTop, barWidth, plot.y + plot.h - blockedTop);
      ctx.fillStyle = color('--allow-bar');
      ctx.fillRect(x, totalTop, barWidth, blockedTop - totalTop);
    });

    // Block rate per minute (right axis), joined across consecutive minutes that had decisions.
    ctx.strokeStyle = color('--rate');
    ctx.fillStyle = color('--rate');
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false;
    buckets.forEach((bucket, i) => {
      if (bucket.total === 0) {
        drawing = false;
        return;
      }
      const x = plot.x + slot * (i + 0.5);
      const y = plot.y + plot.h - (bucket.blocked / bucket.total) * plot.h;
      if (drawing) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      drawing = true;
    });
    ctx.stroke();
    buckets.forEach((bucket, i) => {
      if (bucket.total === 0) return;
      const x = plot.x + slot * (i + 0.5);
      const y = plot.y + plot.h - (bucket.blocked / bucket.total) * plot.h;
      ctx.beginPath();
      ctx.arc(x, y, 2, 0, Math.PI * 2);
      ctx.fill();
    });

    chartGeometry = { plot, slot, buckets };
  }

  /** Hover tooltip: the minute under the pointer. */
  function wireChart() {
    ui.chart.addEventListener('mousemove', (event) => {
      if (!chartGeometry) return;
      const { plot, slot, buckets } = chartGeometry;
      const rect = ui.chart.getBoundingClientRect();
      const x = event.clientX - rect.left;
      const index = Math.floor((x - plot.x) / slot);
      if (index < 0 || index >= buckets.length) {
        ui.chartTip.hidden = true;
        return;
      }
      const bucket = buckets[index];
      ui.chartTip.textContent = `${formatMinute(bucket.minute)}\n${bucket.total} decisions, ${bucket.blocked} blocked`
        + (bucket.total > 0 ? ` (${percent(bucket.blocked, bucket.total)})` : '');
      ui.chartTip.hidden = false;
      const tipWidth = ui.chartTip.offsetWidth;
      const left = Math.min(Math.max(0, x - tipWidth / 2), rect.width - tipWidth);
      ui.chartTip.style.left = `${left}px`;
    });
    ui.chart.addEventListener('mouseleave', () => {
      ui.chartTip.hidden = true;
    });

    // Redraw when the canvas is resized or the colour scheme changes.
    new ResizeObserver(requestChartDraw).observe(ui.chart);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', requestChartDraw);

    // Slide the window at each minute boundary (a local redraw, no request), and forget buckets
    // that have left it.
    const tick = () => {
      const oldest = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - (STATS_MINUTES - 1) * MINUTE_MS;
      for (const minute of state.timeline.keys()) {
        if (minute < oldest) state.timeline.delete(minute);
      }
      requestChartDraw();
      setTimeout(tick, MINUTE_MS - (Date.now() % MINUTE_MS) + 50);
    };
    setTimeout(tick, MINUTE_MS - (Date.now() % MINUTE_MS) + 50);
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up
  // ---------------------------------------------------------------------------------------------

  let startDelay = 2000;

  /**
   * Loads stats and the feed, then opens the event stream after the newest record loaded. If the
   * initial load fails (server restarting, not authorised yet), it is retried with backoff.
   */
  async function start() {
    setStatus('connecting');
    refreshContracts();
    try {
      const [, logs] = await Promise.all([refreshStats({ initial: true }), loadFeed()]);
      clearError();
      for (const record of logs || []) {
        const id = Number(record.id);
        if (id > state.cursor) state.cursor = id;
      }
      connect();
    } catch (error) {
      showError(`${error.message}. Retrying…`);
      setStatus('reconnecting');
      setTimeout(start, startDelay);
      startDelay = Math.min(startDelay * 2, 30000);
    }
  }

  wireFilters();
  wireFeed();
  wireContracts();
  wireChart();
  drawChart();
  start();
})();
