#!/usr/bin/env bash
# Measures the first visit of three pages with Lighthouse (its default: a mid-range phone on a
# slow 4G network, simulated) against the release server, built the way scripts/start.sh builds it.
#   scripts/lighthouse.sh [RUNS]   RUNS per page (default 3); the median run by score is reported
# Prints each page's performance score, total blocking time and largest contentful paint, and its
# accessibility, best-practices and SEO scores, and exits non-zero when a page misses a goal:
# performance >= 90, TBT <= 200 ms, LCP <= 2.5 s; accessibility, best practices and SEO 100.
# A measurement, not a test: scripts/test.sh does not run it. The reports are kept in
# $LIGHTHOUSE_OUT (default: a fresh temporary directory), one JSON file per run.
set -euo pipefail
source "$(dirname "$0")/env.sh"

runs="${1:-3}"
LIGHTHOUSE_VERSION="12.2.3"
lighthouse_dir="$TOOLS_DIR/lighthouse"
lighthouse="$lighthouse_dir/node_modules/.bin/lighthouse"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
pages=(/ /room/Lobby /sheets)

install_lighthouse() {
  if [[ -x "$lighthouse" && "$("$lighthouse" --version)" == "$LIGHTHOUSE_VERSION" ]]; then return; fi
  log "npm install lighthouse@$LIGHTHOUSE_VERSION"
  mkdir -p "$lighthouse_dir"
  npm install --silent --no-audit --no-fund --prefix "$lighthouse_dir" "lighthouse@$LIGHTHOUSE_VERSION"
}

"$REPO_ROOT/scripts/setup.sh"
install_lighthouse
"$REPO_ROOT/scripts/build.sh" --release

out="${LIGHTHOUSE_OUT:-$(mktemp -d -t pianorhythm-lighthouse-XXXX)}"
mkdir -p "$out"
start_scratch_server "$CARGO_TARGET_DIR/release/server"

# A page's reports are named after its path: "/room/Lobby" writes room_lobby-1.json, ...
report_name() { local name="${1#/}"; name="${name,,}"; name="${name//[^a-z0-9]/_}"; echo "${name:-lobby}"; }

for page in "${pages[@]}"; do
  for run in $(seq "$runs"); do
    log "lighthouse $page (run $run of $runs)"
    CHROME_PATH="$chromium" "$lighthouse" "$base$page" --quiet --only-categories=performance,accessibility,best-practices,seo \
      --output=json --output-path="$out/$(report_name "$page")-$run.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
  done
done

log "median of $runs runs per page; reports in $out"
python3 - "$out" $(for page in "${pages[@]}"; do echo "$page=$(report_name "$page")"; done) <<'PYTHON'
import glob, json, os, sys
out, pages = sys.argv[1], [arg.split("=") for arg in sys.argv[2:]]
missed = False
# The benchmark index is Lighthouse's measure of the machine's speed at the time (higher is faster):
# on a shared machine it varies, and blocking time with it.
print(f"{'page':<14}{'score':>6}{'TBT ms':>8}{'LCP s':>7}{'FCP s':>7}{'CLS':>6}{'bench':>7}{'a11y':>6}{'bp':>5}{'seo':>5}  wasm+js: files, KB sent")
for page, name in pages:
    reports = [json.load(open(path)) for path in sorted(glob.glob(os.path.join(out, f"{name}-*.json")))]
    by_score = sorted(reports, key=lambda report: report["categories"]["performance"]["score"])
    report = by_score[len(by_score) // 2]
    audits = report["audits"]
    score = round(report["categories"]["performance"]["score"] * 100)
    tbt = audits["total-blocking-time"]["numericValue"]
    lcp = audits["largest-contentful-paint"]["numericValue"] / 1000
    fcp = audits["first-contentful-paint"]["numericValue"] / 1000
    cls = audits["cumulative-layout-shift"]["numericValue"]
    code = [request for request in audits["network-requests"]["details"]["items"]
            if request["url"].split("?")[0].endswith((".wasm", ".js"))]
    kb = sum(request.get("transferSize", 0) for request in code) / 1000
    bench = report["environment"]["benchmarkIndex"]
    # The other categories do not depend on the machine's speed: every run must score 100.
    others = [min(round(r["categories"][category]["score"] * 100) for r in reports)
              for category in ("accessibility", "best-practices", "seo")]
    a11y, practices, seo = others
    print(f"{page:<14}{score:>6}{tbt:>8.0f}{lcp:>7.2f}{fcp:>7.2f}{cls:>6.3f}{bench:>7.0f}{a11y:>6}{practices:>5}{seo:>5}  {len(code)}, {kb:.0f}")
    missed |= score < 90 or tbt > 200 or lcp > 2.5 or min(others) < 100
sys.exit(1 if missed else 0)
PYTHON
