// Brings the page the server rendered to life, once the browser has painted it: the page needs
// no code to be seen, and code fetched before that first paint would only compete with the
// stylesheet for the network. Then the app's module, its glue, the loader of the lazy modules and
// the lazy modules this page shows are all fetched at once (each preload is taken up by the
// fetch that needs it, compiling as it streams in, off the main thread), and the page hydrates.
(function (glue, wasm, loader, modules) {
  let started = false;
  function preload(rel, href) {
    const link = document.createElement("link");
    link.rel = rel;
    link.href = href;
    // Same mode as the fetch that takes it up (a `fetch()`, a module import): or it is fetched twice.
    link.crossOrigin = "anonymous";
    if (rel === "preload") {
      link.as = "fetch";
      link.type = "application/wasm";
    }
    document.head.append(link);
  }
  function start() {
    if (started) return;
    started = true;
    preload("modulepreload", loader);
    for (const module of [wasm, ...modules]) preload("preload", module);
    import(glue).then(async (app) => {
      await app.default({ module_or_path: wasm });
      // Hydration in a task of its own: instantiating the module is a task's worth already.
      await new Promise((resolve) => setTimeout(resolve, 0));
      app.hydrate();
    });
  }
  // A hidden page paints nothing until shown: it need not wait. A page whose first paint never
  // gets reported starts anyway, a moment later.
  if (document.visibilityState !== "visible" || !("PerformanceObserver" in window)) {
    start();
    return;
  }
  new PerformanceObserver((entries, observer) => {
    if (entries.getEntriesByName("first-contentful-paint").length) {
      observer.disconnect();
      start();
    }
  }).observe({ type: "paint", buffered: true });
  setTimeout(start, 3000);
})
