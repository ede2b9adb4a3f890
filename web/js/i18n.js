// Every string the GUI shows goes through t(). English is the source text; other languages
// map it in their own table (i18n-gl.js). `{0}`, `{1}` are replaced by the arguments.
import { galician } from './i18n-gl.js';

export const languages = [['en', 'English'], ['gl', 'Galego']];
const tables = { en: null, gl: galician };

let current = localStorage.getItem('faro-language') || (navigator.language.startsWith('gl') ? 'gl' : 'en');
if (!(current in tables)) current = 'en';
document.documentElement.lang = current;

export function t(text, ...args) {
  const table = tables[current];
  let result = (table && table[text]) || text;
  args.forEach((value, index) => { result = result.replaceAll(`{${index}}`, String(value)); });
  return result;
}

/**
 * A status word (task exit status `OK`, health `OK`): translated from the table's
 * `status:<word>` entry, else shown as it is, never through the button texts (`OK` is a
 * button "Aceptar" in Galician, but a status "OK").
 */
export function tStatus(word) {
  const table = tables[current];
  return (table && table[`status:${word}`]) || word;
}

export function language() { return current; }

/**
 * How each language writes a date and time. English follows the browser's English locale;
 * Galician is written out here (CLDR's `dd/MM/y, HH:mm:ss`), because browsers ship date
 * data for only some locales (Chromium without Galician falls back to US dates).
 */
const pad = (number) => String(number).padStart(2, '0');
const dateWriters = {
  gl: (date) => `${pad(date.getDate())}/${pad(date.getMonth() + 1)}/${date.getFullYear()}, `
    + `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`,
};

/** A date and time as the selected language writes them. */
export function formatDate(date) {
  const writer = dateWriters[current];
  if (writer) return writer(date);
  return date.toLocaleString(navigator.language.startsWith('en') ? navigator.language : 'en-US');
}

/** Switching language re-renders everything, most simply by reloading (the session survives). */
export function setLanguage(code) {
  if (code === current || !(code in tables)) return;
  localStorage.setItem('faro-language', code);
  location.reload();
}
