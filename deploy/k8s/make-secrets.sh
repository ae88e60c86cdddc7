#!/bin/sh
# Creates the Secrets that deploy/k8s/base reads, with fresh values, in one namespace:
#   arbor-nats-users   a NATS password per Arbor service (`arbor nats passwords`)
#   arbor-api-tokens   the orchestrator's tokens file, holding one bearer token for a first tenant; the token is
#                      printed on stdout (or written to --token-file), once, and kept nowhere else
#   nats-tls           a private CA and the NATS servers' certificate (openssl); not with --no-tls, for when the
#                      cert-manager component makes it
#   orchestrator-tls   with --api-tls only: a certificate for the orchestrator's API (components/api-tls), signed
#                      by the same CA
# A Secret that exists already is left as it is, so running this twice changes nothing: delete one to replace
# it (deploy/k8s/README.md, "Rotating"). Messages go to stderr.
#
# Usage: deploy/k8s/make-secrets.sh [-n NAMESPACE] [--tenant NAME] [--token-file FILE] [--no-tls] [--api-tls]
#                                   [--ca-dir DIR] [--cluster-domain DOMAIN] [--out DIR]
#   -n NAMESPACE           where the stack runs (default arbor); it must exist, and goes into the certificates'
#                          names (nats.NAMESPACE.svc, ...)
#   --tenant NAME          the tenant of the first API token (default demo)
#   --token-file FILE      write that token to FILE (a new file, readable by you alone) instead of stdout
#   --ca-dir DIR           keep the CA's key and certificate in DIR, and reuse them if they are there, so a new
#                          certificate is trusted by clients that have the old CA; by default the CA's key is
#                          thrown away once the certificates are signed
#   --cluster-domain NAME  the cluster's DNS domain (default cluster.local)
#   --out DIR              write each Secret's files to DIR/<secret>/ instead of creating Secrets (for
#                          sealed-secrets, SOPS, ...)
# Needs openssl, and kubectl unless --out; runs the arbor CLI from this checkout (`npx arbor`; set ARBOR_CLI to
# another command, e.g. "node /path/to/arbor.mjs").
set -eu

namespace=arbor
tenant=demo
token_file=
tls=yes
api_tls=no
ca_dir=
domain=cluster.local
out=

usage() {
  sed -n '/^# Usage:/,/^# Needs/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case $1 in
    -n | --namespace) [ $# -ge 2 ] || usage; namespace=$2; shift 2 ;;
    --tenant) [ $# -ge 2 ] || usage; tenant=$2; shift 2 ;;
    --token-file) [ $# -ge 2 ] || usage; token_file=$2; shift 2 ;;
    --ca-dir) [ $# -ge 2 ] || usage; ca_dir=$2; shift 2 ;;
    --cluster-domain) [ $# -ge 2 ] || usage; domain=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --no-tls) tls=no; shift ;;
    --api-tls) api_tls=yes; shift ;;
    -h | --help) usage ;;
    *) echo "make-secrets.sh: unknown argument $1" >&2; usage ;;
  esac
done

say() { echo "make-secrets.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

root=$(cd "$(dirname "$0")/../.." && pwd)
arbor() { (cd "$root" && ${ARBOR_CLI:-npx --no-install arbor} "$@"); }

command -v openssl >/dev/null 2>&1 || fail "openssl is not on PATH"
# Checked first: a token that cannot be written is a token lost.
[ -z "$token_file" ] || [ ! -e "$token_file" ] || fail "--token-file: $token_file exists; name a new file"
if [ -z "$out" ]; then
  command -v kubectl >/dev/null 2>&1 || fail "kubectl is not on PATH (or use --out DIR)"
  kubectl get namespace "$namespace" >/dev/null 2>&1 ||
    fail "namespace $namespace not found: create it first (kubectl apply -f deploy/k8s/overlays/<overlay>/namespace.yaml)"
fi

# Private keys and passwords live in a directory only we can read, removed on exit.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

exists() { [ -z "$out" ] && kubectl -n "$namespace" get secret "$1" >/dev/null 2>&1; }

# quiet COMMAND...: runs it, showing what it printed only if it failed (openssl chats on stderr).
quiet() { "$@" 2>"$work/log" || { cat "$work/log" >&2; fail "failed: $1 $2"; }; }

# put NAME TYPE KEY=FILE...: the Secret NAME with those keys, or its files under --out.
put() {
  name=$1 type=$2
  shift 2
  if [ -n "$out" ]; then
    mkdir -p "$out/$name"
    for pair in "$@"; do cp "${pair#*=}" "$out/$name/${pair%%=*}"; done
    say "wrote $out/$name/"
    return
  fi
  # Each KEY=FILE becomes --from-file=KEY=FILE, keeping paths whole.
  n=$#
  while [ "$n" -gt 0 ]; do set -- "$@" "--from-file=$1"; shift; n=$((n - 1)); done
  kubectl -n "$namespace" create secret generic "$name" --type="$type" "$@" >/dev/null
  say "created Secret $name in namespace $namespace"
}

# ---- NATS passwords ----
if exists arbor-nats-users; then
  say "Secret arbor-nats-users exists; left as it is"
else
  # One VAR=password line per service: nats-server reads them as variables, each service its own one.
  arbor nats passwords >"$work/nats-users.env"
  if [ -n "$out" ]; then
    mkdir -p "$out/arbor-nats-users" && cp "$work/nats-users.env" "$out/arbor-nats-users/nats-users.env"
    say "wrote $out/arbor-nats-users/nats-users.env (a Secret with kubectl create secret generic --from-env-file)"
  else
    kubectl -n "$namespace" create secret generic arbor-nats-users --from-env-file="$work/nats-users.env" >/dev/null
    say "created Secret arbor-nats-users in namespace $namespace"
  fi
fi

# ---- API tokens ----
token=
if exists arbor-api-tokens; then
  say "Secret arbor-api-tokens exists; left as it is (add tokens with npx arbor token new --file, then replace it)"
else
  token=$(arbor token new --tenant "$tenant" --label "made by make-secrets.sh" --file "$work/tokens.json" \
    2>"$work/log") ||
    { cat "$work/log" >&2; fail "arbor token new failed (is npm install done in this checkout?)"; }
  put arbor-api-tokens Opaque "tokens.json=$work/tokens.json"
  # At once, not at the end: the Secret holds its digest now, and a later failure must not lose the token.
  if [ -n "$token_file" ]; then
    printf '%s\n' "$token" >"$token_file"
    say "wrote the API token of tenant $tenant to $token_file; it is kept nowhere else"
  else
    say "the API token of tenant $tenant follows on stdout, shown once: keep it (arbor solve --token-file FILE)"
    printf '%s\n' "$token"
  fi
fi

# ---- certificates ----
# A minimal openssl configuration of our own, so the system's openssl.cnf adds no extensions of its own.
cat >"$work/req.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF

# The names a service is reached by: short (same namespace), and the namespace's and cluster's long forms.
names() {
  for host in "$@"; do
    printf ',DNS:%s,DNS:%s.%s,DNS:%s.%s.svc,DNS:%s.%s.svc.%s' \
      "$host" "$host" "$namespace" "$host" "$namespace" "$host" "$namespace" "$domain"
  done | cut -c2-
}

# leaf NAME CN USAGES HOSTS...: NAME.key and NAME.crt in $work, signed by the CA.
leaf() {
  name=$1 cn=$2 usages=$3
  shift 3
  cat >"$work/$name.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = $usages
subjectAltName = $(names "$@")
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  quiet openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$name.key"
  quiet openssl req -new -config "$work/req.cnf" -key "$work/$name.key" -subj "/CN=$cn" -out "$work/$name.csr"
  # A random serial: no serial file to keep beside the CA.
  quiet openssl x509 -req -in "$work/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 365 -extfile "$work/$name.ext" -out "$work/$name.crt"
}

need_nats=no need_api=no
if [ "$tls" = yes ]; then
  if exists nats-tls; then say "Secret nats-tls exists; left as it is"; else need_nats=yes; fi
fi
if [ "$api_tls" = yes ]; then
  if exists orchestrator-tls; then say "Secret orchestrator-tls exists; left as it is"; else need_api=yes; fi
fi

if [ "$need_nats" = yes ] || [ "$need_api" = yes ]; then
  ca=$work
  if [ -n "$ca_dir" ]; then
    mkdir -p "$ca_dir"
    ca=$(cd "$ca_dir" && pwd)
  fi
  if [ -s "$ca/ca.key" ] && [ -s "$ca/ca.crt" ]; then
    say "signing with the CA in $ca"
  else
    quiet openssl req -x509 -new -config "$work/req.cnf" -extensions ca -subj "/CN=arbor-ca" \
      -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca/ca.key" -days 3650 -out "$ca/ca.crt"
    [ "$ca" = "$work" ] || say "made a CA in $ca (keep ca.key secret)"
  fi
  [ "$ca" = "$work" ] || cp "$ca/ca.crt" "$work/ca.crt"
fi

if [ "$need_nats" = yes ]; then
  # Server auth for clients and routes; client auth because each node also dials the others' routes with it.
  # The client Service (nats), the headless one (nats-headless) and each node behind it (nats-0.nats-headless).
  leaf nats nats "serverAuth, clientAuth" nats nats-headless '*.nats-headless'
  put nats-tls kubernetes.io/tls "tls.crt=$work/nats.crt" "tls.key=$work/nats.key" "ca.crt=$work/ca.crt"
fi

if [ "$need_api" = yes ]; then
  leaf orchestrator orchestrator serverAuth orchestrator
  put orchestrator-tls kubernetes.io/tls \
    "tls.crt=$work/orchestrator.crt" "tls.key=$work/orchestrator.key" "ca.crt=$work/ca.crt"
fi
