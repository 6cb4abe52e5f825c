#!/usr/bin/env bash
# Checks the Kubernetes manifests of examples/cluster/ with kubectl, offline (part of
# `npm run test:cluster`). Without an API server, `kubectl create --dry-run=client -f` cannot
# run: it asks the server for its API groups even with --validate=false, and its validation
# downloads the server's schema. What kubectl does without a server, and what this runs:
#   - `kubectl label --local -f FILE -o json`: every document parses as YAML into an untyped
#     object with an apiVersion, a kind and a name;
#   - `kubectl set serviceaccount --local -f FILE -o json`: each object with a pod template
#     (the Jobs) is decoded into kubectl's compiled-in API types, so an unknown kind or
#     apiVersion and a value of the wrong type fail. A field those types lack is dropped
#     silently, so the typed object is compared with the untyped one: every field written in
#     the manifest must come back.
# Not checked: objects without a pod template beyond parsing (the PersistentVolumeClaim), the
# server's own validation and admission (quotas, storage classes, feature gates), and whether
# the image exists.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v kubectl >/dev/null 2>&1; then
  echo "check-k8s-manifests: installing Debian's kubernetes-client (kubectl)"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    kubernetes-client >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/emc-k8s.XXXXXX")
trap 'rm -rf "$work"' EXIT
# An empty kubeconfig: kubectl must not reach a cluster by accident.
export KUBECONFIG="$work/kubeconfig"
printf 'apiVersion: v1\nkind: Config\n' >"$KUBECONFIG"
version=$(kubectl version --client -o json | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).clientVersion.gitVersion))')

for manifest in examples/cluster/*.yaml; do
  # One file per document, so that one object's failure names it.
  awk -v dir="$work" '/^---$/ { n++; next } { print > (dir "/doc-" n+0 ".yaml") }' "$manifest"
  for doc in "$work"/doc-*.yaml; do
    untyped=$(kubectl label --local -f "$doc" -o json emc-lab-check=1)
    name=$(node -e 'const o=JSON.parse(process.argv[1]); console.log(`${o.kind}/${o.metadata.name}`)' \
      "$untyped")
    if ! node -e 'process.exit(JSON.parse(process.argv[1]).spec?.template ? 0 : 1)' "$untyped"; then
      echo "check-k8s-manifests: $manifest $name parses (kubectl $version has no offline check for it)"
      rm "$doc"
      continue
    fi
    typed=$(kubectl set serviceaccount --local -f "$doc" -o json default |
      kubectl label --local -f - -o json emc-lab-check=1)
    node - "$manifest $name" "$version" "$untyped" "$typed" <<'EOF'
// Every field of the manifest (untyped) must come back from kubectl's API types (typed).
const [what, version, untyped, typed] = process.argv.slice(2);
const lost = [];
const walk = (a, b, path) => {
  if (a !== null && typeof a === 'object') {
    if (b === null || typeof b !== 'object') return lost.push(`${path} (not an object there)`);
    for (const key of Object.keys(a)) walk(a[key], b[key], `${path}.${key}`);
  } else if (String(a) !== String(b)) {
    lost.push(`${path}: ${JSON.stringify(a)} came back as ${JSON.stringify(b)}`);
  }
};
walk(JSON.parse(untyped), JSON.parse(typed), '');
if (lost.length > 0) {
  console.error(`check-k8s-manifests: ${what}: fields unknown to the API types of kubectl ${version}:`);
  for (const field of lost) console.error(`  ${field}`);
  process.exit(1);
}
console.log(`check-k8s-manifests: ${what} decodes into the API types of kubectl ${version}, every field kept`);
EOF
    rm "$doc"
  done
done
