// ES module shim for js-aruco2 (cv.js, aruco.js: classic scripts, unmodified). Those files assign
// to `this` at their top level, which is undefined in a module, so they cannot be imported; and the
// CSP (script-src 'self', no eval) rules out fetching and evaluating their text. They are loaded as
// classic <script src> elements from this same folder, which 'self' allows, and this module hands
// out the global `AR` they define. Nothing here evaluates code built at run time.

let loading = null;

function classic(name) {
  const url = new URL(name, import.meta.url).href;
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = url;
    el.async = false;
    el.onload = () => resolve();
    el.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.append(el);
  });
}

/** js-aruco2's `AR` namespace (AR.Detector, AR.Dictionary), loading the library once. */
export function loadAruco() {
  if (!loading) {
    loading = (async () => {
      if (!globalThis.AR) {
        if (!globalThis.CV) await classic("./cv.js");
        await classic("./aruco.js");
      }
      return globalThis.AR;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}
