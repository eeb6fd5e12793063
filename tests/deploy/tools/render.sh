#!/usr/bin/env bash
# Renders a kustomization with `kubectl kustomize` into a file, offline.
# The manifests use kustomize v5 syntax (labels, patches): kubectl >= 1.27.
# Usage: render.sh KUSTOMIZATION_DIR OUTPUT.yaml
set -euo pipefail
command -v kubectl >/dev/null || {
  echo "render: kubectl not found; it provides 'kubectl kustomize' (kubectl >= 1.27)" >&2
  exit 1
}
if ! kubectl version --client -o json 2>/dev/null | grep -q '"kustomizeVersion": "v[45]'; then
  echo "render: $(command -v kubectl) embeds no kustomize v4/v5; kubectl >= 1.27 is needed" \
       "(Debian 12's kubernetes-client 1.20 embeds kustomize v2, which lacks labels and patches)" >&2
  exit 1
fi
mkdir -p "$(dirname "$2")"
kubectl kustomize "$1" >"$2.tmp"
mv "$2.tmp" "$2"
echo "render: $1 -> $2 ($(grep -c '^kind:' "$2") objects)"
