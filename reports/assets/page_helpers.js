'use strict';
const SimlabDom = (function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function formatNs(ns) {
    if (ns === null || ns === undefined || ns < 0) return '-';
    const abs = Math.abs(ns);
    if (abs >= 1e9) return (ns / 1e9).toFixed(abs >= 1e10 ? 1 : 3) + ' s';
    if (abs >= 1e6) return (ns / 1e6).toFixed(abs >= 1e8 ? 0 : 1) + ' ms';
    if (abs >= 1e3) return (ns / 1e3).toFixed(1) + ' \u00b5s';
    return ns + ' ns';
  }
  return { el, svgEl, add, formatNs };
})();
