// The API client: the ticket travels in the PVEAuthCookie cookie, writes carry the
// CSRFPreventionToken header, the ticket is renewed every 15 minutes (it lasts 2 hours),
// and a reload renews it from the cookie so the session survives.

import { t } from './i18n.js';

const base = '/api2/json';
const renewEvery = 15 * 60 * 1000;
const session = { username: null, csrf: null, cap: {}, renewTimer: null };
const listeners = new Set();

/** Called with no argument when the session ends (expired ticket, logout). */
export function onLogout(listener) { listeners.add(listener); }

export class APIError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors || null;
  }

  /** The message with the per-parameter errors, as the GUI shows it. */
  get details() {
    if (!this.errors) return this.message;
    return [this.message, ...Object.entries(this.errors).map(([key, text]) => `${key}: ${text}`)].join('\n');
  }
}

export function currentUser() { return session.username; }
export function capabilities() { return session.cap; }

function readCookie() {
  const match = document.cookie.match(/(?:^|;\s*)PVEAuthCookie=([^;]*)/);
  return match ? decodeURIComponent(match[1]) : null;
}

function writeCookie(ticket) {
  const value = ticket ? encodeURIComponent(ticket) : '';
  const expiry = ticket ? '' : '; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  document.cookie = `PVEAuthCookie=${value}; path=/; SameSite=Strict; Secure${expiry}`;
}

function encode(params) {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null) continue;
    form.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return form;
}

/** One API call; resolves to the `data` member, rejects with an APIError. */
export async function request(method, path, params) {
  return (await send(method, path, params))?.data ?? null;
}

/** A GET of a paged list: resolves to { data, total } (total: all entries, not only this page). */
export async function getPage(path, params) {
  const body = await send('GET', path, params);
  return { data: body?.data ?? [], total: Number(body?.total ?? 0) };
}

async function send(method, path, params) {
  let url = base + path;
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (method === 'GET' || method === 'DELETE') {
    const query = encode(params).toString();
    if (query) url += `?${query}`;
  } else {
    options.body = encode(params);
  }
  if (method !== 'GET' && session.csrf) options.headers.CSRFPreventionToken = session.csrf;
  const response = await fetch(url, options);
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) {
    const message = (body && body.message ? body.message.trim() : '') || response.statusText || `HTTP ${response.status}`;
    if (response.status === 401 && session.username) endSession();
    throw new APIError(response.status, message, body && body.errors);
  }
  return body;
}

/**
 * A multipart upload through XMLHttpRequest, which (unlike fetch) reports the upload's
 * progress: `onProgress(sentBytes, totalBytes)`. Resolves to the `data` member.
 */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', base + path);
    if (session.csrf) xhr.setRequestHeader('CSRFPreventionToken', session.csrf);
    xhr.upload.addEventListener('progress', (event) => { if (event.lengthComputable) onProgress(event.loaded, event.total); });
    xhr.addEventListener('load', () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body ? body.data : null); return; }
      const message = (body && body.message ? body.message.trim() : '') || xhr.statusText || `HTTP ${xhr.status}`;
      reject(new APIError(xhr.status, message, body && body.errors));
    });
    xhr.addEventListener('error', () => reject(new APIError(0, t('Upload failed: connection error'))));
    xhr.addEventListener('abort', () => reject(new APIError(0, t('Upload aborted'))));
    xhr.send(form);
  });
}

export const get = (path, params) => request('GET', path, params);
export const post = (path, params) => request('POST', path, params);
export const put = (path, params) => request('PUT', path, params);
export const del = (path, params) => request('DELETE', path, params);

function startSession(data) {
  if (session.username !== data.username) permissionsPromise = null;
  session.username = data.username;
  session.csrf = data.CSRFPreventionToken;
  session.cap = data.cap || {};
  writeCookie(data.ticket);
  clearInterval(session.renewTimer);
  session.renewTimer = setInterval(() => renew().catch(() => endSession()), renewEvery);
}

/** Logs in; the realm is appended by the server when the name has no `@`. */
export async function login(username, password, realm) {
  const data = await post('/access/ticket', { username, password, realm });
  // A half ticket (NeedTFA) is no session: the second factor must follow (completeLogin).
  if (data.NeedTFA) return data;
  startSession(data);
  localStorage.setItem('faro-session-user', data.username);
  return data;
}

/** The second login step: `response` is `totp:<code>`, `recovery:<key>` or `webauthn:<json>`. */
export async function completeLogin(username, challengeTicket, response) {
  const data = await post('/access/ticket', { username, 'tfa-challenge': challengeTicket, password: response });
  startSession(data);
  localStorage.setItem('faro-session-user', data.username);
  return data;
}

/** The challenge a half ticket carries: `{totp, recovery: [indices], webauthn, yubico}`. */
export function tfaChallenge(ticket) {
  return JSON.parse(decodeURIComponent(ticket.split(':')[1].slice('!tfa!'.length)));
}

/** Exchanges the current ticket for a fresh one. */
export async function renew() {
  const ticket = readCookie();
  const username = session.username || localStorage.getItem('faro-session-user');
  if (!ticket || !username) throw new APIError(401, 'no session');
  const data = await post('/access/ticket', { username, password: ticket });
  startSession(data);
  return data;
}

/** After a reload: continue the session of the cookie, if it is still valid. */
export async function resume() {
  try {
    return await renew();
  } catch {
    writeCookie(null);
    return null;
  }
}

export function endSession() {
  clearInterval(session.renewTimer);
  permissionsPromise = null;
  session.username = null;
  session.csrf = null;
  writeCookie(null);
  localStorage.removeItem('faro-session-user');
  for (const listener of listeners) listener();
}

/**
 * The methods this daemon implements, from its short list (`/api2/methods.json`, a few kB)
 * rather than the OpenAPI document (megabytes), to offer only what the API has.
 */
let methodsPromise = null;
export function hasMethod(verb, path) {
  methodsPromise ??= fetch('/api2/methods.json').then((r) => r.json()).then((body) => new Set(body.data || [])).catch(() => new Set());
  return methodsPromise.then((methods) => methods.has(`${verb.toUpperCase()} ${path}`));
}

/** The session user's privileges per ACL path (GET /access/permissions), fetched once per session. */
let permissionsPromise = null;
function permissionMap() {
  permissionsPromise ??= request('GET', '/access/permissions').catch(() => ({}));
  return permissionsPromise;
}

/**
 * Resolves to true when the user holds one of `privileges` on `path`: set on the path itself,
 * or on a parent path with propagation (the map's value 1), as Proxmox evaluates it.
 */
export async function mayAny(path, privileges) {
  const map = await permissionMap();
  const holds = (privilege) => {
    for (let current = path; ; current = current.slice(0, current.lastIndexOf('/')) || '/') {
      const entry = map[current];
      // The nearest listed path holds everything inherited down to it: it decides.
      if (entry) return current === path ? privilege in entry : Number(entry[privilege]) === 1;
      if (current === '/') return false;
    }
  };
  return privileges.some(holds);
}
