// mcp-shield — API reference (served as /docs/app.js).
//
// Fetches /openapi.json (OpenAPI 3.1) and renders every operation: summary, description,
// parameters, request body and responses, with schemas shown as readable trees (property names,
// types, required markers, constraints; `$ref`s followed into components). All text goes into the
// DOM through textContent, as everywhere else in mcp-shield's pages: the document is data, never
// markup.

'use strict';

(() => {
  const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const MAX_DEPTH = 8;   // nested schema levels expanded inline before "see …" takes over

  const byId = (id) => document.getElementById(id);
  const ui = {
    error: byId('error'),
    title: byId('docs-title'),
    intro: byId('docs-intro'),
    nav: byId('docs-nav'),
    search: byId('docs-search'),
    ops: byId('docs-ops'),
    schemas: byId('docs-schemas'),
    schemaList: byId('docs-schema-list'),
  };

  let spec = null;

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** An in-page link (href is always "#" + an id this script generated). */
  function anchor(targetId, text, className) {
    const a = make('a', className, text);
    a.setAttribute('href', `#${targetId}`);
    return a;
  }

  /** Stable, unique element ids from arbitrary strings. */
  const usedIds = new Set();
  function uniqueId(prefix, raw) {
    const base = `${prefix}-${String(raw).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x'}`;
    let id = base;
    for (let n = 2; usedIds.has(id); n += 1) id = `${base}-${n}`;
    usedIds.add(id);
    return id;
  }

  /** Resolves a local JSON pointer ("#/components/schemas/Record"); undefined if it doesn't. */
  function resolvePointer(ref) {
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
    let node = spec;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
      node = node[key];
    }
    return node;
  }

  /** Follows `$ref` chains for parameters, request bodies and responses. */
  function deref(value) {
    const seen = new Set();
    while (value && typeof value === 'object' && typeof value.$ref === 'string' && !seen.has(value.$ref)) {
      seen.add(value.$ref);
      const target = resolvePointer(value.$ref);
      if (target === undefined) break;
      value = target;
    }
    return value;
  }

  /** The component name a schema $ref points at ("Record" for "#/components/schemas/Record"). */
  function refName(ref) {
    const prefix = '#/components/schemas/';
    return typeof ref === 'string' && ref.startsWith(prefix) ? ref.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~') : null;
  }

  const schemaIds = new Map();   // component name -> element id
  function schemaId(name) {
    if (!schemaIds.has(name)) schemaIds.set(name, uniqueId('schema', name));
    return schemaIds.get(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Schema rendering
  // ---------------------------------------------------------------------------------------------

  /** A short type description: "string (date-time)", "array of Record", "integer | null"… */
  function typeText(schema) {
    if (!schema || typeof schema !== 'object') return schema === true ? 'any' : 'never';
    if (schema.$ref) return refName(schema.$ref) || schema.$ref;
    if ('const' in schema) return `const ${JSON.stringify(schema.const)}`;

    let types = Array.isArray(schema.type) ? schema.type.slice() : schema.type ? [schema.type] : [];
    if (schema.nullable === true && !types.includes('null')) types.push('null');   // OpenAPI 3.0 style
    types = types.map((type) => {
      if (type === 'array') return `array of ${schema.items ? typeText(schema.items) : 'any'}`;
      if (type === 'object' && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return `map of string → ${typeText(schema.additionalProperties)}`;
      }
      return schema.format && type !== 'null' ? `${type} (${schema.format})` : type;
    });
    if (types.length) return types.join(' | ');
    if (schema.oneOf) return 'one of';
    if (schema.anyOf) return 'any of';
    if (schema.allOf) return 'all of';
    if (schema.properties) return 'object';
    if (schema.items) return `array of ${typeText(schema.items)}`;
    return 'any';
  }

  /** Constraints worth showing next to a type: enum values, bounds, pattern, default, example. */
  function constraintText(schema) {
    if (!schema || typeof schema !== 'object' || schema.$ref) return '';
    const parts = [];
    if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
    if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
    if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
    if (schema.minLength !== undefined) parts.push(`min length ${schema.minLength}`);
    if (schema.maxLength !== undefined) parts.push(`max length ${schema.maxLength}`);
    if (schema.minItems !== undefined) parts.push(`min items ${schema.minItems}`);
    if (schema.maxItems !== undefined) parts.push(`max items ${schema.maxItems}`);
    if (schema.pattern !== undefined) parts.push(`pattern ${schema.pattern}`);
    if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
    if (schema.example !== undefined) parts.push(`e.g. ${JSON.stringify(schema.example)}`);
    else if (Array.isArray(schema.examples) && schema.examples.length) parts.push(`e.g. ${JSON.stringify(schema.examples[0])}`);
    if (schema.readOnly) parts.push('read-only');
    if (schema.writeOnly) parts.push('write-only');
    if (schema.deprecated) parts.push('deprecated');
    return parts.join(' · ');
  }

  /** One line: type (linked when it is a component), constraints, description. */
  function typeLine(schema, description) {
    const line = make('span');
    const name = schema && schema.$ref ? refName(schema.$ref) : null;
    const items = schema && !schema.$ref && schema.items;
    const itemName = items && items.$ref ? refName(items.$ref) : null;
    if (name) {
      // A component: its name, linked to its definition.
      line.append(anchor(schemaId(name), name, 'type schema-ref'));
    } else if (itemName && typeText(schema) === `array of ${itemName}`) {
      // An array of a component: link the item type.
      line.append(make('span', 'type', 'array of '), anchor(schemaId(itemName), itemName, 'type schema-ref'));
    } else {
      line.append(make('span', 'type', typeText(schema)));
    }

    const constraints = constraintText(schema);
    if (constraints) line.append(' ', make('span', 'constraint', constraints));
    const text = description ?? (schema && typeof schema === 'object' ? schema.description : undefined);
    if (text) line.append(make('span', 'schema-desc', text));
    return line;
  }

  /**
   * Merges `allOf` members that are objects into one object schema, so a composed type reads as
   * one list of properties. Returns null when a member is not an object.
   */
  function mergeAllOf(schema) {
    const merged = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf) {
      const resolved = deref(part);
      if (!resolved || typeof resolved !== 'object') return null;
      const inner = resolved.allOf ? mergeAllOf(resolved) : resolved;
      if (!inner || (!inner.properties && inner.type !== 'object')) return null;
      Object.assign(merged.properties, inner.properties || {});
      merged.required.push(...(inner.required || []));
      if (!merged.description && inner.description) merged.description = inner.description;
    }
    for (const [key, value] of Object.entries(schema)) {
      if (key !== 'allOf' && !(key in merged)) merged[key] = value;
    }
    if (schema.properties) Object.assign(merged.properties, schema.properties);
    if (schema.required) merged.required.push(...schema.required);
    return merged;
  }

  /**
   * The nested part of a schema (what goes under its type line): properties of objects, the item
   * structure of arrays, alternatives of oneOf/anyOf. Returns null when there is nothing nested.
   *
   * `expanding` is the set of component names being expanded on the current branch (cycle guard);
   * with `expandRefs` false, references are only linked (used in the Schemas section itself).
   */
  function schemaChildren(schema, { expanding = new Set(), depth = 0, expandRefs = true } = {}) {
    if (!schema || typeof schema !== 'object') return null;

    if (schema.$ref) {
      const name = refName(schema.$ref);
      const target = resolvePointer(schema.$ref);
      if (!expandRefs || !name || target === undefined || expanding.has(name) || depth >= MAX_DEPTH) return null;
      const next = new Set(expanding).add(name);
      return schemaChildren(target, { expanding: next, depth, expandRefs });
    }

    if (Array.isArray(schema.allOf)) {
      const merged = mergeAllOf(schema);
      if (merged) return schemaChildren(merged, { expanding, depth, expandRefs });
      return alternatives('all of', schema.allOf, { expanding, depth, expandRefs });
    }
    if (Array.isArray(schema.oneOf)) return alternatives('one of', schema.oneOf, { expanding, depth, expandRefs });
    if (Array.isArray(schema.anyOf)) return alternatives('any of', schema.anyOf, { expanding, depth, expandRefs });

    if (schema.items && (!schema.type || schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')))) {
      return schemaChildren(schema.items, { expanding, depth, expandRefs });
    }

    const properties = schema.properties && typeof schema.properties === 'object' ? Object.entries(schema.properties) : [];
    const extra = schema.additionalProperties;
    if (properties.length === 0) {
      // A map: show the value structure.
      if (extra && typeof extra === 'object') return schemaChildren(extra, { expanding, depth, expandRefs });
      return null;
    }

    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const list = make('ul', 'schema-children');
    for (const [name, property] of properties) {
      const li = make('li');
      li.append(make('span', 'schema-name', name));
      if (required.has(name)) li.append(make('span', 'required', 'required'));
      li.append(' ', typeLine(property));
      const nested = schemaChildren(property, { expanding, depth: depth + 1, expandRefs });
      if (nested) li.append(nested);
      list.append(li);
    }
    if (extra && typeof extra === 'object') {
      const li = make('li');
      li.append(make('span', 'schema-label', 'other keys'), ' ', typeLine(extra));
      const nested = schemaChildren(extra, { expanding, depth: depth + 1, expandRefs });
      if (nested) li.append(nested);
      list.append(li);
    }
    return list;
  }

  /** oneOf / anyOf / allOf alternatives, one per line. */
  function alternatives(label, members, options) {
    const list = make('ul', 'schema-children');
    members.forEach((member, index) => {
      const li = make('li');
      li.append(make('span', 'schema-label', `${label} #${index + 1}`), ' ', typeLine(member));
      const nested = schemaChildren(member, { ...options, depth: options.depth + 1 });
      if (nested) li.append(nested);
      list.append(li);
    });
    return list;
  }

  /** A whole schema block: its type line and its nested structure. */
  function schemaBlock(schema, options) {
    const block = make('div', 'schema');
    block.append(typeLine(schema));
    const children = schemaChildren(schema, options);
    if (children) block.append(children);
    return block;
  }

  /** The schemas of a `content` map, one per media type. */
  function contentBlock(content) {
    const wrap = make('div');
    for (const [mediaType, media] of Object.entries(content || {})) {
      const item = make('div', 'schema');
      item.append(make('span', 'content-type', mediaType));
      if (media && media.schema) item.append(schemaBlock(media.schema));
      wrap.append(item);
    }
    return wrap;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations
  // ---------------------------------------------------------------------------------------------

  /** Path-level parameters overridden by operation-level ones with the same name and location. */
  function operationParameters(pathItem, operation) {
    const byKey = new Map();
    for (const raw of [...(pathItem.parameters || []), ...(operation.parameters || [])]) {
      const parameter = deref(raw);
      if (parameter && parameter.name) byKey.set(`${parameter.in}:${parameter.name}`, parameter);
    }
    return [...byKey.values()];
  }

  function parametersTable(parameters) {
    const table = make('table', 'params');
    const head = make('tr');
    for (const title of ['Name', 'In', 'Type', 'Description']) head.append(make('th', null, title));
    const thead = make('thead');
    thead.append(head);
    table.append(thead);
    const body = make('tbody');
    for (const parameter of parameters) {
      const row = make('tr');
      const name = make('td', null, parameter.name);
      if (parameter.required) name.append(make('span', 'required', 'required'));
      const schema = parameter.schema || (parameter.content ? Object.values(parameter.content)[0]?.schema : undefined);
      const type = make('td');
      type.append(make('span', 'type', typeText(schema)));
      const constraints = constraintText(schema);
      if (constraints) type.append(make('div', 'constraint', constraints));
      const description = make('td', null, parameter.description || (schema && schema.description) || '');
      if (parameter.deprecated) description.append(make('span', 'constraint', ' (deprecated)'));
      row.append(name, make('td', null, parameter.in), type, description);
      body.append(row);
    }
    table.append(body);
    return table;
  }

  function responsesList(responses) {
    const list = make('ul', 'responses');
    for (const [status, raw] of Object.entries(responses || {})) {
      const response = deref(raw) || {};
      const li = make('li');
      const code = make('span', `status-code status-${String(status)[0]}xx`, status);
      li.append(code, ' ', make('span', null, response.description || ''));
      if (response.headers) {
        for (const [header, rawHeader] of Object.entries(response.headers)) {
          const h = deref(rawHeader) || {};
          const line = make('div', 'constraint', `header ${header}: ${typeText(h.schema)}${h.description ? ` — ${h.description}` : ''}`);
          li.append(line);
        }
      }
      if (response.content) li.append(contentBlock(response.content));
      list.append(li);
    }
    return list;
  }

  function operationSection(path, method, pathItem, operation) {
    const id = uniqueId('op', `${method}-${path}`);
    const section = make('section', 'panel op');
    section.id = id;
    section.dataset.search = `${method} ${path} ${operation.summary || ''} ${operation.operationId || ''}`.toLowerCase();

    const head = make('div', 'op-head');
    head.append(make('span', `method method-${method}`, method.toUpperCase()), make('span', 'op-path', path));
    if (operation.summary) head.append(make('span', 'op-summary', operation.summary));
    if (operation.deprecated) head.append(make('span', 'constraint', 'deprecated'));
    section.append(head);

    const description = operation.description || pathItem.description;
    if (description) section.append(make('p', 'op-desc', description));

    const security = operation.security ?? spec.security;
    if (Array.isArray(security) && security.length) {
      const names = security.map((requirement) => Object.keys(requirement).join(' + ') || 'none').join(' or ');
      section.append(make('div', 'constraint', `auth: ${names}`));
    }

    const parameters = operationParameters(pathItem, operation);
    if (parameters.length) {
      section.append(make('h3', 'subhead', 'Parameters'), parametersTable(parameters));
    }

    const body = deref(operation.requestBody);
    if (body) {
      const title = make('h3', 'subhead', 'Request body');
      if (body.required) title.append(make('span', 'required', 'required'));
      section.append(title);
      if (body.description) section.append(make('p', 'op-desc', body.description));
      section.append(contentBlock(body.content));
    }

    if (operation.responses) {
      section.append(make('h3', 'subhead', 'Responses'), responsesList(operation.responses));
    }

    return { id, section };
  }

  // ---------------------------------------------------------------------------------------------
  // Page
  // ---------------------------------------------------------------------------------------------

  function renderIntro() {
    const info = spec.info || {};
    ui.title.textContent = `${info.title || 'API'}${info.version ? ` ${info.version}` : ''}`;
    if (info.description) ui.intro.append(make('p', null, info.description));
    ui.intro.append(make('p', 'constraint', `OpenAPI ${spec.openapi || '?'}`));

    const schemes = (spec.components && spec.components.securitySchemes) || {};
    const entries = Object.entries(schemes);
    if (entries.length) {
      ui.intro.append(make('h3', 'subhead', 'Authentication'));
      const list = make('ul', 'responses');
      for (const [name, raw] of entries) {
        const scheme = deref(raw) || {};
        const li = make('li');
        const kind = [scheme.type, scheme.scheme, scheme.in && `in ${scheme.in}`, scheme.name].filter(Boolean).join(' · ');
        li.append(make('span', 'schema-name', name), ' ', make('span', 'type', kind));
        if (scheme.description) li.append(make('span', 'schema-desc', scheme.description));
        list.append(li);
      }
      ui.intro.append(list);
    }
  }

  function renderOperations() {
    const groups = new Map();   // tag -> [{ label, id, method }]
    for (const [path, rawItem] of Object.entries(spec.paths || {})) {
      const pathItem = deref(rawItem) || {};
      for (const method of METHODS) {
        const operation = pathItem[method];
        if (!operation) continue;
        const { id, section } = operationSection(path, method, pathItem, operation);
        ui.ops.append(section);
        const tag = (operation.tags && operation.tags[0]) || 'endpoints';
        if (!groups.has(tag)) groups.set(tag, []);
        groups.get(tag).push({ id, method, path });
      }
    }

    for (const [tag, entries] of groups) {
      if (groups.size > 1) ui.nav.append(make('li', 'subhead group', tag));
      for (const entry of entries) {
        const li = make('li');
        li.dataset.target = entry.id;
        const link = anchor(entry.id, '');
        link.append(make('span', `method method-${entry.method}`, entry.method.toUpperCase()), make('span', null, entry.path));
        link.setAttribute('title', `${entry.method.toUpperCase()} ${entry.path}`);
        li.append(link);
        ui.nav.append(li);
      }
    }
    if (groups.size === 0) ui.ops.append(make('p', 'empty', 'The API description lists no operations.'));
  }

  function renderSchemas() {
    const schemas = (spec.components && spec.components.schemas) || {};
    const names = Object.keys(schemas);
    if (!names.length) return;
    for (const name of names) {
      const item = make('div', 'op');
      item.id = schemaId(name);
      const title = make('h3', 'schema-name', name);
      // Here references are only linked: each component is described once, in its own entry.
      item.append(title, schemaBlock(schemas[name], { expandRefs: false }));
      ui.schemaList.append(item);
      ui.schemaList.append(make('hr', 'sep'));
    }
    ui.schemaList.lastElementChild?.remove();
    ui.schemas.hidden = false;
  }

  /** Filters operations (and their nav entries) by method, path, summary or operation id. */
  function wireSearch() {
    ui.search.addEventListener('input', () => {
      const query = ui.search.value.trim().toLowerCase();
      for (const section of ui.ops.querySelectorAll('section.op')) {
        const visible = query === '' || section.dataset.search.includes(query);
        section.hidden = !visible;
        const navItem = ui.nav.querySelector(`li[data-target="${CSS.escape(section.id)}"]`);
        if (navItem) navItem.hidden = !visible;
      }
    });
  }

  async function start() {
    try {
      const response = await fetch('/openapi.json', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`GET /openapi.json failed (${response.status})`);
      spec = await response.json();
    } catch (error) {
      ui.title.textContent = 'The API description could not be loaded.';
      ui.error.textContent = error.message;
      ui.error.hidden = false;
      return;
    }
    renderIntro();
    renderOperations();
    renderSchemas();
    wireSearch();

    // The page was empty when the browser tried to follow a #fragment: follow it now.
    if (location.hash.length > 1) {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  start();
})();
