// Loads a function app folder in this (clean) process with the functions-core stand-in and prints, as
// one JSON line, every function it registers and every module file it resolved. Plain JavaScript so it
// runs with no build step and no dependency: only Node's own modules are used here.
// Usage: node list-registrations.js <stand-in.js> <load-app.js> <app folder>
const Module = require('node:module');
const path = require('node:path');

const [standInFile, loadAppFile, appDir] = process.argv.slice(2);
const resolved = new Set();
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, ...rest) {
  const file = originalResolve.call(this, request, ...rest);
  if (path.isAbsolute(file)) resolved.add(file);
  return file;
};
const { installFunctionsCoreStandIn } = require(path.resolve(standInFile));
const { loadFunctionApp } = require(path.resolve(loadAppFile));
const standIn = installFunctionsCoreStandIn(() => undefined);
loadFunctionApp(path.resolve(appDir));
const registrations = standIn.registrations.map((r) => ({
  name: r.name,
  trigger: Object.values(r.bindings).find((b) => /Trigger$/.test(b.type))?.type,
}));
process.stdout.write(`${JSON.stringify({ registrations, resolved: [...resolved] })}\n`);
