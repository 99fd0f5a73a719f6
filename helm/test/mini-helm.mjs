// A small stand-in for `helm template`, used by render-chart.mjs when no helm
// binary is installed.
//
// It implements the part of Go's text/template that charts use (actions with
// {{- -}} trimming, comments, variables, if/else if/else, with/else, range,
// define/include, pipelines, parenthesised calls) and the Sprig/Helm functions
// the plexus chart calls. It is strict on purpose: an unknown function, a field
// read on nil or an unsupported construct is an error, so a chart change that
// needs more of the language fails loudly here instead of rendering wrongly.
// Real helm, when available, remains the reference.

import { createHash, randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

class TemplateError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TemplateError';
  }
}

const WS = /[ \t\r\n]/;

/** Splits a template into text and action pieces, applying {{- and -}} trims. */
function scan(source, file) {
  const pieces = [];
  let pos = 0;
  let trimNextText = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open === -1 ? source.length : open);
    if (trimNextText) text = text.replace(/^[ \t\r\n]+/, '');
    trimNextText = false;
    if (open === -1) {
      if (text) pieces.push({ type: 'text', text });
      break;
    }
    let start = open + 2;
    if (source[start] === '-' && WS.test(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text) pieces.push({ type: 'text', text });
    // Find the closing }} outside string literals and comments.
    let i = start;
    let quote = null;
    let inComment = false;
    for (; i < source.length; i++) {
      const c = source[i];
      if (inComment) {
        if (c === '*' && source[i + 1] === '/') {
          inComment = false;
          i++;
        }
      } else if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === '`') quote = c;
      else if (c === '/' && source[i + 1] === '*') {
        inComment = true;
        i++;
      } else if (c === '}' && source[i + 1] === '}') break;
    }
    if (i >= source.length) throw new TemplateError(`${file}: unclosed action`);
    let end = i;
    if (source[end - 1] === '-' && WS.test(source[end - 2] ?? '')) {
      trimNextText = true;
      end -= 1;
    }
    const body = source.slice(start, end).trim();
    if (!body.startsWith('/*')) pieces.push({ type: 'action', body, file });
    else if (!body.endsWith('*/')) throw new TemplateError(`${file}: bad comment`);
    pos = i + 2;
  }
  return pieces;
}

/** Splits an action's text into tokens. */
function lex(body, file) {
  const tokens = [];
  const re =
    /\s+|("(?:[^"\\]|\\.)*")|(`[^`]*`)|(:=|=|\||\(|\)|,)|(-?\d+(?:\.\d+)?)(?![\w.])|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?)|([A-Za-z_][A-Za-z0-9_]*)/y;
  let m;
  let spaced = true; // whether whitespace precedes the next token: `(x).f` is not `(x) .f`
  while (re.lastIndex < body.length) {
    const at = re.lastIndex;
    m = re.exec(body);
    if (!m || m.index !== at) throw new TemplateError(`${file}: cannot parse {{ ${body} }} near "${body.slice(at)}"`);
    const count = tokens.length;
    if (m[0].trim() === '') {
      spaced = true;
      continue;
    }
    if (m[1]) tokens.push({ t: 'lit', v: JSON.parse(m[1]) });
    else if (m[2]) tokens.push({ t: 'lit', v: m[2].slice(1, -1) });
    else if (m[3]) tokens.push({ t: m[3] });
    else if (m[4]) tokens.push({ t: 'lit', v: Number(m[4]) });
    else if (m[5]) {
      const [name, ...fields] = m[5].split('.');
      tokens.push({ t: 'var', name, fields });
    } else if (m[6]) tokens.push({ t: 'field', fields: m[6] === '.' ? [] : m[6].slice(1).split('.') });
    else if (m[7]) {
      if (m[7] === 'true' || m[7] === 'false') tokens.push({ t: 'lit', v: m[7] === 'true' });
      else if (m[7] === 'nil') tokens.push({ t: 'lit', v: null });
      else tokens.push({ t: 'ident', name: m[7] });
    }
    if (tokens.length > count) tokens[tokens.length - 1].spaced = spaced;
    spaced = false;
  }
  return tokens;
}

/** Parses tokens into a pipeline: optional variable declaration, then commands joined by |. */
function parsePipeline(tokens, file) {
  let i = 0;
  const pipe = { decl: null, assign: false, cmds: [] };
  // `$a := ...`, `$a = ...` and range's `$k, $v := ...`
  const names = [];
  let j = 0;
  while (tokens[j]?.t === 'var' && tokens[j].fields.length === 0) {
    names.push(tokens[j].name);
    if (tokens[j + 1]?.t === ',') j += 2;
    else {
      j += 1;
      break;
    }
  }
  if (names.length && (tokens[j]?.t === ':=' || tokens[j]?.t === '=')) {
    pipe.decl = names;
    pipe.assign = tokens[j].t === '=';
    i = j + 1;
  }

  function parseOperand() {
    const tok = tokens[i++];
    if (!tok) throw new TemplateError(`${file}: missing operand`);
    if (tok.t === '(') {
      const start = i;
      let depth = 1;
      while (i < tokens.length && depth > 0) {
        if (tokens[i].t === '(') depth++;
        if (tokens[i].t === ')') depth--;
        i++;
      }
      if (depth !== 0) throw new TemplateError(`${file}: unbalanced parentheses`);
      if (tokens[i]?.t === 'field' && !tokens[i].spaced)
        throw new TemplateError(`${file}: (...).field is not supported`);
      return { kind: 'sub', pipe: parsePipeline(tokens.slice(start, i - 1), file) };
    }
    if (tok.t === 'lit') return { kind: 'lit', value: tok.v };
    if (tok.t === 'field') return { kind: 'field', fields: tok.fields };
    if (tok.t === 'var') return { kind: 'var', name: tok.name, fields: tok.fields };
    if (tok.t === 'ident') return { kind: 'func', name: tok.name };
    throw new TemplateError(`${file}: unexpected "${tok.t}"`);
  }

  let cmd = [];
  while (i < tokens.length) {
    if (tokens[i].t === '|') {
      if (!cmd.length) throw new TemplateError(`${file}: empty command before |`);
      pipe.cmds.push(cmd);
      cmd = [];
      i++;
      continue;
    }
    cmd.push(parseOperand());
  }
  if (!cmd.length) throw new TemplateError(`${file}: empty pipeline`);
  pipe.cmds.push(cmd);
  return pipe;
}

/** Builds the node tree; `defines` collects {{ define }} blocks. */
function parse(source, file, defines) {
  const pieces = scan(source, file);
  let k = 0;

  // Parses nodes until one of `stops` (else / end); returns [nodes, stopper].
  function parseList(stops) {
    const nodes = [];
    while (k < pieces.length) {
      const piece = pieces[k++];
      if (piece.type === 'text') {
        nodes.push(piece);
        continue;
      }
      const tokens = lex(piece.body, file);
      const head = tokens[0];
      const keyword = head?.t === 'ident' ? head.name : null;
      if (keyword === 'end' || keyword === 'else') {
        if (!stops) throw new TemplateError(`${file}: unexpected {{ ${piece.body} }}`);
        return [nodes, { keyword, tokens: tokens.slice(1) }];
      }
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(parseBlock(keyword, tokens.slice(1)));
      } else if (keyword === 'define') {
        if (tokens[1]?.t !== 'lit' || tokens.length !== 2) throw new TemplateError(`${file}: bad define`);
        const [body, stop] = parseList(true);
        if (stop.keyword !== 'end') throw new TemplateError(`${file}: else in define`);
        defines.set(tokens[1].v, body);
      } else if (keyword === 'template' || keyword === 'block') {
        throw new TemplateError(`${file}: {{ ${keyword} }} is not supported; use include`);
      } else if (keyword === 'break' || keyword === 'continue') {
        throw new TemplateError(`${file}: {{ ${keyword} }} is not supported`);
      } else {
        nodes.push({ type: 'action', pipe: parsePipeline(tokens, file) });
      }
    }
    if (stops) throw new TemplateError(`${file}: missing {{ end }}`);
    return [nodes, null];
  }

  function parseBlock(keyword, tokens) {
    const node = { type: keyword, pipe: parsePipeline(tokens, file), body: null, elseBody: null };
    const [body, stop] = parseList(true);
    node.body = body;
    if (stop.keyword === 'else') {
      if (stop.tokens.length) {
        // `else if ...` / `else with ...`: a nested block sharing this block's end.
        const nested = stop.tokens[0];
        if (nested?.t !== 'ident' || (nested.name !== 'if' && nested.name !== 'with')) {
          throw new TemplateError(`${file}: bad else clause`);
        }
        node.elseBody = [parseBlock(nested.name, stop.tokens.slice(1))];
      } else {
        const [elseBody, elseStop] = parseList(true);
        if (elseStop.keyword !== 'end') throw new TemplateError(`${file}: two else clauses`);
        node.elseBody = elseBody;
      }
    }
    return node;
  }

  return parseList(false)[0];
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
function truthy(v) {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

function fieldOf(value, fields, what) {
  let v = value;
  for (const f of fields) {
    if (v === null || v === undefined) throw new TemplateError(`nil pointer evaluating ${what}.${f}`);
    if (!isMap(v)) throw new TemplateError(`can't evaluate field ${f} in ${typeof v}`);
    v = Object.hasOwn(v, f) ? v[f] : null; // helm: a missing key reads as nil
  }
  return v;
}

/** fmt.Sprint-style string of a scalar; lists and maps are refused. */
function str(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`refusing to print a ${Array.isArray(v) ? 'list' : 'map'}: use toYaml`);
}

function sprintf(format, args) {
  let n = 0;
  return format.replace(/%([%sdvq])/g, (_, verb) => {
    if (verb === '%') return '%';
    const v = args[n++];
    if (verb === 'd') {
      if (typeof v !== 'number') throw new TemplateError(`printf %d of ${typeof v}`);
      return String(Math.trunc(v));
    }
    if (verb === 'q') return JSON.stringify(str(v));
    return str(v);
  });
}

function toYaml(v) {
  if (v === null || v === undefined) return 'null';
  // Formatted like helm's toYaml (sigs.k8s.io/yaml): sorted keys, lists not indented under their key.
  return yaml.dump(v, { sortKeys: true, lineWidth: -1, seqNoIndent: true }).replace(/\n$/, '');
}

function randAlphaNum(n) {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += chars[randomInt(chars.length)];
  return out;
}

const indent = (n, s) => ' '.repeat(n) + str(s).replaceAll('\n', '\n' + ' '.repeat(n));

/** Sprig and Helm functions, each called with already evaluated arguments. */
const FUNCS = {
  // Go built-ins
  not: (v) => !truthy(v),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  len: (v) => (isMap(v) ? Object.keys(v).length : v.length),
  print: (...args) =>
    args
      .map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + str(a))
      .join(''),
  printf: (format, ...args) => sprintf(format, args),
  // Sprig
  default: (d, v) => (truthy(v) ? v : d),
  empty: (v) => !truthy(v),
  required: (message, v) => {
    if (v === null || v === undefined || v === '') throw new TemplateError(message);
    return v;
  },
  fail: (message) => {
    throw new TemplateError(message);
  },
  quote: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined)
      .map((a) => JSON.stringify(str(a)))
      .join(' '),
  squote: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined)
      .map((a) => `'${str(a)}'`)
      .join(' '),
  trunc: (n, s) => (n >= 0 ? str(s).slice(0, n) : str(s).slice(n)),
  trimSuffix: (suffix, s) => (str(s).endsWith(suffix) ? str(s).slice(0, -suffix.length || undefined) : str(s)),
  trimPrefix: (prefix, s) => (str(s).startsWith(prefix) ? str(s).slice(prefix.length) : str(s)),
  trim: (s) => str(s).trim(),
  contains: (sub, s) => str(s).includes(sub),
  replace: (from, to, s) => str(s).replaceAll(from, to),
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  int: (v) => Math.trunc(Number(v ?? 0)),
  add: (...numbers) => numbers.reduce((sum, n) => sum + Math.trunc(Number(n)), 0),
  indent,
  nindent: (n, s) => '\n' + indent(n, s),
  toYaml,
  toJson: (v) => JSON.stringify(v ?? null),
  b64enc: (s) => Buffer.from(str(s)).toString('base64'),
  b64dec: (s) => Buffer.from(str(s), 'base64').toString(),
  sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
  randAlphaNum,
  list: (...items) => items,
  dict: (...kv) => {
    const out = {};
    for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = kv[i + 1] ?? null;
    return out;
  },
  hasKey: (m, k) => isMap(m) && Object.hasOwn(m, k),
  dig: (...args) => {
    const m = args.pop();
    const fallback = args.pop();
    if (!isMap(m)) throw new TemplateError('dig needs a map');
    let v = m;
    for (const k of args) {
      if (!isMap(v) || !Object.hasOwn(v, k)) return fallback;
      v = v[k];
    }
    return v;
  },
  // Helm: like `helm template`, lookup finds nothing (there is no cluster).
  lookup: () => ({}),
};

class Renderer {
  constructor(defines) {
    this.defines = defines;
    this.depth = 0;
  }

  /** Renders a node list with `dot` and a variable scope chain. */
  run(nodes, dot, scope) {
    let out = '';
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          out += node.text;
          break;
        case 'action': {
          const v = this.pipe(node.pipe, dot, scope);
          if (!node.pipe.decl) out += str(v);
          break;
        }
        case 'if': {
          // A variable declared in the condition lives until the matching end.
          const inner = scope.child();
          const v = this.pipe(node.pipe, dot, inner);
          if (truthy(v)) out += this.run(node.body, dot, inner.child());
          else if (node.elseBody) out += this.run(node.elseBody, dot, inner.child());
          break;
        }
        case 'with': {
          const inner = scope.child();
          const v = this.pipe(node.pipe, dot, inner);
          if (truthy(v)) out += this.run(node.body, v, inner.child());
          else if (node.elseBody) out += this.run(node.elseBody, dot, inner.child());
          break;
        }
        case 'range': {
          const { decl } = node.pipe;
          const v = this.pipe({ ...node.pipe, decl: null }, dot, scope);
          const entries = Array.isArray(v)
            ? v.map((item, i) => [i, item])
            : isMap(v)
              ? Object.keys(v)
                  .sort()
                  .map((key) => [key, v[key]])
              : v === null || v === undefined
                ? []
                : (() => {
                    throw new TemplateError(`range over ${typeof v}`);
                  })();
          if (!entries.length) {
            if (node.elseBody) out += this.run(node.elseBody, dot, scope.child());
            break;
          }
          for (const [key, item] of entries) {
            const inner = scope.child();
            if (decl?.length === 1) inner.declare(decl[0], item);
            if (decl?.length === 2) {
              inner.declare(decl[0], key);
              inner.declare(decl[1], item);
            }
            out += this.run(node.body, item, inner);
          }
          break;
        }
        default:
          throw new TemplateError(`unknown node ${node.type}`);
      }
    }
    return out;
  }

  include(name, data) {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(`no template "${name}"`);
    if (++this.depth > 100) throw new TemplateError(`include recursion in "${name}"`);
    try {
      return this.run(body, data, Scope.root(data));
    } finally {
      this.depth--;
    }
  }

  pipe(pipe, dot, scope) {
    let value;
    pipe.cmds.forEach((cmd, n) => {
      value = this.command(cmd, dot, scope, n > 0, value);
    });
    if (pipe.decl) {
      if (pipe.decl.length !== 1) throw new TemplateError('multiple variables outside range');
      if (pipe.assign) scope.assign(pipe.decl[0], value);
      else scope.declare(pipe.decl[0], value);
    }
    return value;
  }

  command(cmd, dot, scope, piped, input) {
    const [head, ...rest] = cmd;
    if (head.kind !== 'func') {
      if (rest.length || piped) throw new TemplateError('only a function can take arguments');
      return this.operand(head, dot, scope);
    }
    const args = () => {
      const values = rest.map((op) => this.operand(op, dot, scope));
      if (piped) values.push(input);
      return values;
    };
    // and/or stop at the first deciding operand, as in Go 1.18+.
    if (head.name === 'and' || head.name === 'or') {
      const thunks = rest.map((op) => () => this.operand(op, dot, scope));
      if (piped) thunks.push(() => input);
      let v;
      for (const thunk of thunks) {
        v = thunk();
        if (head.name === 'and' ? !truthy(v) : truthy(v)) return v;
      }
      return v;
    }
    if (head.name === 'include') {
      const [name, data] = args();
      return this.include(name, data);
    }
    const fn = FUNCS[head.name];
    if (!fn) throw new TemplateError(`function "${head.name}" not defined`);
    return fn(...args());
  }

  operand(op, dot, scope) {
    switch (op.kind) {
      case 'lit':
        return op.value;
      case 'field':
        return fieldOf(dot, op.fields, '.');
      case 'var':
        return fieldOf(scope.get(op.name), op.fields, op.name);
      case 'sub':
        return this.pipe(op.pipe, dot, scope.child());
      case 'func':
        return this.command([op], dot, scope, false); // a bare function name is a call without arguments
      default:
        throw new TemplateError(`unknown operand ${op.kind}`);
    }
  }
}

class Scope {
  constructor(parent) {
    this.parent = parent;
    this.vars = new Map();
  }
  static root(data) {
    const scope = new Scope(null);
    scope.vars.set('$', data);
    return scope;
  }
  child() {
    return new Scope(this);
  }
  declare(name, value) {
    this.vars.set(name, value);
  }
  assign(name, value) {
    for (let s = this; s; s = s.parent) {
      if (s.vars.has(name)) {
        s.vars.set(name, value);
        return;
      }
    }
    throw new TemplateError(`undefined variable: ${name}`);
  }
  get(name) {
    for (let s = this; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
    throw new TemplateError(`undefined variable: ${name}`);
  }
}

// ---------------------------------------------------------------------------
// Chart rendering
// ---------------------------------------------------------------------------

/** Helm's value merge: maps merge key by key, everything else replaces. */
function mergeValues(base, override) {
  const out = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    out[key] = isMap(value) && isMap(base?.[key]) ? mergeValues(base[key], value) : value;
  }
  return out;
}

/**
 * Renders a chart directory like `helm template <releaseName> <chartDir> -f <values>`.
 * Returns { manifests: [{ source, text }], notes }; throws TemplateError on failure.
 */
export function renderChart(chartDir, { releaseName = 't', namespace = 'default', values = {} } = {}) {
  const chartMeta = yaml.load(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
  const defaults = yaml.load(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) ?? {};
  const chart = {
    Name: chartMeta.name,
    Version: chartMeta.version,
    AppVersion: chartMeta.appVersion,
    Description: chartMeta.description,
    Type: chartMeta.type,
    APIVersion: chartMeta.apiVersion,
  };
  const templatesDir = path.join(chartDir, 'templates');
  const basePath = `${chartMeta.name}/templates`;
  const files = readdirSync(templatesDir)
    .filter((f) => /\.(ya?ml|tpl|txt)$/.test(f))
    .sort();

  const defines = new Map();
  const parsed = files.map((f) => ({
    file: f,
    nodes: parse(readFileSync(path.join(templatesDir, f), 'utf8'), `${basePath}/${f}`, defines),
  }));

  const renderer = new Renderer(defines);
  const manifests = [];
  let notes = null;
  for (const { file, nodes } of parsed) {
    if (file.startsWith('_')) continue; // partials only hold defines
    const data = {
      Values: mergeValues(defaults, values),
      Chart: chart,
      Release: {
        Name: releaseName,
        Namespace: namespace,
        Service: 'Helm',
        IsInstall: true,
        IsUpgrade: false,
        Revision: 1,
      },
      Template: { Name: `${basePath}/${file}`, BasePath: basePath },
      Capabilities: { KubeVersion: { Version: 'v1.30.0', Major: '1', Minor: '30' } },
    };
    let text;
    try {
      text = renderer.run(nodes, data, Scope.root(data));
    } catch (error) {
      if (error instanceof TemplateError) throw new TemplateError(`${basePath}/${file}: ${error.message}`);
      throw error;
    }
    if (file === 'NOTES.txt') notes = text;
    else if (text.trim()) manifests.push({ source: `${basePath}/${file}`, text });
  }
  return { manifests, notes };
}

/** The same text `helm template` prints: one "# Source:" document per rendered file. */
export function toHelmOutput({ manifests }) {
  return manifests.map(({ source, text }) => `---\n# Source: ${source}\n${text.replace(/^\n+/, '')}\n`).join('');
}

export { TemplateError };
