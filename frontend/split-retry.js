
// Appended by scripts/build.sh to wasm-split's loader: fetches a module again, waiting a little
// longer each time (up to 5 s), until it arrives. Without it, a module that could not be
// fetched (the server restarting, the network gone for a moment) would abort the whole app.
function retrying(fetcher) {
    return () => {
        let instantiate = fetcher();
        const attempt = async (imports, delayMs) => {
            try {
                return await instantiate(imports);
            } catch (error) {
                console.warn(`a module did not load (${error}); trying again in ${delayMs} ms`);
                await new Promise((resolve) => setTimeout(resolve, delayMs));
                instantiate = fetcher();
                return attempt(imports, Math.min(delayMs * 2, 5000));
            }
        };
        return (imports) => attempt(imports, 250);
    };
}
