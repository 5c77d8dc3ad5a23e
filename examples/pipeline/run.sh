#!/usr/bin/env bash
# The Portcullis seed pipeline, end to end, on one machine (README.md tells the story):
#
#   advisory DB -> vault key (SoftHSM) -> portcullis serve (HTTPS, scanning, auto-sign, admission)
#   -> push (skopeo) -> scan on push -> signed by the vault key because the score meets the rule
#   -> AdmissionReview: allowed + pinned to the digest; unsigned denied; other key denied
#   -> newer advisory + rescan -> denied with the reason; running image reported as a violation
#   -> break-glass allowed and audited -> portcullis status shows the violation (exit 1)
#
#   examples/pipeline/run.sh [WORKDIR]        (KEEP=1 keeps WORKDIR; PORT=5443 by default)
#
# Needs Node's dependencies installed (npm install) and the Debian packages skopeo, umoci,
# softhsm2, opensc, openssl, curl and jq. The advisory data comes from $VULNDATA (default
# ../shared/vulndata beside the checkout).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
node="$repo/node_modules/.bin/node"
vulndata=${VULNDATA:-$repo/../shared/vulndata}
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/portcullis-pipeline.XXXXXX")}
port=${PORT:-5443}
host=127.0.0.1:$port
server=https://$host
admin_password=pipeline-admin-password-$RANDOM$RANDOM
pin=1234

portcullis() { "$node" "$repo/bin/portcullis.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

for tool in skopeo umoci softhsm2-util pkcs11-tool openssl curl jq; do
  command -v "$tool" >/dev/null || die "$tool is missing: install the Debian packages skopeo umoci softhsm2 opensc openssl curl jq"
done
[ -x "$node" ] || die "no $node: run npm install in $repo"
[ -d "$vulndata/ghsa/npm" ] || die "no advisory data in $vulndata (set VULNDATA)"
mkdir -p "$work"
work=$(cd "$work" && pwd)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

api() { curl -sS --cacert "$work/tls.crt" -u "admin:$admin_password" -H 'content-type: application/json' "$@"; }
# review NAME IMAGE [ANNOTATIONS_JSON]: the example AdmissionReview for a Deployment NAME running IMAGE.
review() {
  sed -e "s|__NAME__|$1|g" -e "s|__IMAGE__|$2|g" -e "s|__UID__|$(cat /proc/sys/kernel/random/uuid)|" "$here/deployment-review.json" |
    jq --argjson annotations "${3:-{\}}" '.request.object.metadata.annotations = $annotations'
}
admit() { curl -sS --cacert "$work/tls.crt" -H 'content-type: application/json' --data-binary @- "$server/admission/$1"; }
digest_of() { curl -sSI --cacert "$work/tls.crt" -u "admin:$admin_password" -H 'accept: application/vnd.oci.image.manifest.v1+json' "$server/v2/$1/manifests/$2" | tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }'; }
summary_of() { api "$server/api/v1/repositories/$(jq -rn --arg r "$1" '$r | @uri')/artifacts/$2/vulnerabilities/summary"; }
wait_until() { # wait_until WHAT COMMAND...: retries COMMAND for up to 60 s
  local what=$1; shift
  for _ in $(seq 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "timed out waiting for $what"
}
scanned() { [ "$(summary_of "$1" "$2" | jq -r .state)" = completed ]; }

step "1. Advisory database from the shared data (portcullis db import)"
mkdir -p "$work/feed"
cp "$vulndata/ghsa/npm/GHSA-c2qf-rxjj-qqgw.json" "$vulndata/ghsa/npm/GHSA-35jh-r3h4-6jhm.json" "$work/feed/"  # semver (MODERATE), lodash (HIGH)
portcullis db import --db "$work/advisories.db" "$work/feed"

step "2. The vault key: an ECDSA P-256 key generated inside a SoftHSM2 token"
while IFS='=' read -r name value; do
  case $name in SOFTHSM2_CONF) export SOFTHSM2_CONF=$value ;; MODULE) module=$value ;; TOKEN) token=$value ;; KEY_LABEL) label=$value ;; esac
done < <(PORTCULLIS_PKCS11_PIN=$pin bash "$repo/scripts/softhsm-setup.sh" "$work/softhsm" pipeline-vault vault)
key="pkcs11:token=$token;object=$label?module-path=$module"
printf '%s\n' "$pin" >"$work/pin"
chmod 600 "$work/pin"
PORTCULLIS_PKCS11_PIN=$pin portcullis keys export-public "$key" >"$work/vault.pub"
cp "$here/policy.yaml" "$here/trust.yaml" "$work/"
cat "$work/vault.pub"

step "3. A TLS certificate for 127.0.0.1 (Kubernetes calls admission webhooks over HTTPS)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj /CN=portcullis \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
mkdir -p "$work/certs" && cp "$work/tls.crt" "$work/certs/ca.crt"
export NODE_EXTRA_CA_CERTS=$work/tls.crt

step "4. portcullis serve: registry, scan on push, auto-sign, admission, continuous validation"
"$node" -e '
  const [file, port] = process.argv.slice(1);
  require("node:http").createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => { require("node:fs").appendFileSync(file, `${request.headers["x-portcullis-event"]} ${request.headers["x-portcullis-signature"]} ${body}\n`); response.end(); });
  }).listen(Number(port), "127.0.0.1");' "$work/webhooks.log" "$((port + 1))" &
pids+=($!)
printf 'pipeline-webhook-secret\n' >"$work/webhook-secret"
PORTCULLIS_ADMIN_PASSWORD=$admin_password "$node" "$repo/bin/portcullis.js" serve --listen "$host" --data "$work/data" \
  --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  --db "$work/advisories.db" \
  --auto-sign-key "$key" --auto-sign-pin-file "$work/pin" \
  --admission --admission-policy "$work/policy.yaml" --admission-trust "$work/trust.yaml" --admission-cluster prod \
  --webhook "http://127.0.0.1:$((port + 1))/hook" --webhook-secret-file "$work/webhook-secret" >"$work/serve.log" 2>&1 &
serve_pid=$!  # node itself (not a shell function), so SIGHUP and the cleanup reach serve
pids+=("$serve_pid")
wait_until "portcullis serve to listen" grep -q 'listening on' "$work/serve.log"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$host" "$(printf 'admin:%s' "$admin_password" | base64 -w0)" >"$work/auth.json"

step "5. The project's auto-sign rule: sign with the vault key when the scan has no CRITICAL and no fixable HIGH"
api -X PUT "$server/api/v1/projects/team/auto-sign" -d "$(jq -n --arg key "$key" '{keyRef: $key, rule: "no CRITICAL, no HIGH with fix"}')" | jq .

step "6. Images built from files (umoci) and pushed with skopeo"
umoci init --layout "$work/images"
build_image() { # build_image TAG NAME@VERSION...: an npm application in one layer
  local tag=$1; shift
  umoci new --image "$work/images:$tag"
  umoci unpack --rootless --image "$work/images:$tag" "$work/bundle-$tag" >/dev/null
  mkdir -p "$work/bundle-$tag/rootfs/app"
  echo '{"name":"shop","version":"1.0.0"}' >"$work/bundle-$tag/rootfs/app/package.json"
  for package in "$@"; do
    mkdir -p "$work/bundle-$tag/rootfs/app/node_modules/${package%@*}"
    printf '{"name":"%s","version":"%s"}\n' "${package%@*}" "${package#*@}" >"$work/bundle-$tag/rootfs/app/node_modules/${package%@*}/package.json"
  done
  umoci repack --image "$work/images:$tag" "$work/bundle-$tag"
}
push() { skopeo copy --quiet --dest-cert-dir "$work/certs" --dest-creds "admin:$admin_password" "oci:$work/images:$1" "docker://$host/$2"; }
build_image app ws@7.4.0 semver@7.5.1
build_image risky lodash@4.17.20
build_image tool left-pad@1.3.0
build_image foreign is-odd@3.0.1
push risky team/risky:1
push app team/app:1
app=$(digest_of team/app 1)
risky=$(digest_of team/risky 1)
echo "team/app:1 is $app"

step "7. Scanned on push: the vulnerability score of each image"
wait_until "the scan of team/app" scanned team/app "$app"
wait_until "the scan of team/risky" scanned team/risky "$risky"
echo "team/app:   $(summary_of team/app "$app" | jq -c .summary)"
echo "team/risky: $(summary_of team/risky "$risky" | jq -c .summary)"

step "8. Signed by the vault key only because its score meets the rule"
signature_tag() { echo "sha256-${1#sha256:}.sig"; }
wait_until "the vault signature of team/app" test -n "$(digest_of team/app "$(signature_tag "$app")")"
portcullis verify --key "$work/vault.pub" --authfile "$work/auth.json" "$host/team/app@$app"
[ -z "$(digest_of team/risky "$(signature_tag "$risky")")" ] && echo "team/risky is not signed: lodash has a fixable HIGH finding"

step "9. AdmissionReview for the Deployment: allowed, and mutated to the digest"
review web "$host/team/app:1" | admit validate | jq -c '.response | {allowed, warnings}'
review web "$host/team/app:1" | admit mutate | jq -r .response.patch | base64 -d | jq -c .

step "10. An unsigned image is denied"
push tool staging/tool:1
wait_until "the scan of staging/tool" scanned staging/tool "$(digest_of staging/tool 1)"
review tool "$host/staging/tool:1" | admit validate | jq -c '.response | {allowed, message: .status.message}'

step "11. An image signed by another key is denied"
PORTCULLIS_PASSWORD=another-key-passphrase portcullis keys generate --output-key-prefix "$work/other"
push foreign staging/foreign:1
foreign=$(digest_of staging/foreign 1)
wait_until "the scan of staging/foreign" scanned staging/foreign "$foreign"
PORTCULLIS_PASSWORD=another-key-passphrase portcullis sign --key "$work/other.key" --authfile "$work/auth.json" "$host/staging/foreign@$foreign"
review foreign "$host/staging/foreign:1" | admit validate | jq -c '.response | {allowed, message: .status.message}'

step "12. A newer advisory hits team/app: import it, rescan, and the next deploy is denied with the reason"
cp "$vulndata/ghsa/npm/GHSA-3h5v-q93c-6h6q.json" "$work/feed/"  # ws CVE-2024-37890 (HIGH, fixed in 7.5.10)
portcullis db import --db "$work/advisories.db" "$work/feed"
kill -HUP "$serve_pid"
high() { [ "$(summary_of team/app "$app" | jq .summary.HIGH)" = 1 ]; }
wait_until "the rescan of team/app" high
echo "team/app:   $(summary_of team/app "$app" | jq -c .summary)"
review web-canary "$host/team/app:1" | admit validate | jq -c '.response | {allowed, message: .status.message}'

step "13. Continuous validation: the running Deployment now violates the policy (nothing is evicted)"
violating() { [ "$(api "$server/api/v1/deployments/violations" | jq '.violations | length')" -ge 1 ]; }
wait_until "the violation" violating
api "$server/api/v1/deployments/violations" | jq -c '.violations[] | {cluster, namespace, kind, name, image, reasons: .decision.denials}'
wait_until "the deployment.violation webhook" grep -q '^deployment.violation ' "$work/webhooks.log"
grep '^deployment.violation ' "$work/webhooks.log" | cut -c1-300

step "14. Break-glass: the deploy is allowed, audited and reported"
review web-hotfix "$host/team/app:1" '{"portcullis.dev/break-glass": "INC-4711 checkout down"}' | admit validate | jq -c '.response | {allowed, warnings}'
api "$server/api/v1/audit" | jq -c '.records[] | select(.action == "admission.break_glass") | {at, actor, target, detail}'

step "15. portcullis status (exit 1 while anything running violates the policy)"
sleep 1
status=0
PORTCULLIS_SERVER_USER=admin PORTCULLIS_SERVER_PASSWORD=$admin_password portcullis status --server "$server" || status=$?
echo "portcullis status exited with $status"
[ "$status" = 1 ] || die "expected exit 1 from portcullis status"
