#!/usr/bin/env bash
# Initialises a throwaway SoftHSM2 token for the PKCS#11 tests and demos, entirely inside DIR (its
# own softhsm2.conf and token store, so the system's tokens are never touched), and generates an
# ECDSA P-256 key pair inside it with OpenSC's pkcs11-tool (sensitive, never extractable).
#
#   scripts/softhsm-setup.sh DIR [TOKEN_LABEL] [KEY_LABEL]
#
# The user PIN and SO PIN come from PORTCULLIS_PKCS11_PIN and SOFTHSM_SO_PIN (defaults 1234 / 5678:
# test tokens only). Prints KEY=VALUE lines: SOFTHSM2_CONF, MODULE, TOKEN, KEY_LABEL, KEY_ID.
# Needs the Debian packages softhsm2 and opensc (scripts/test-setup.sh installs them).
set -euo pipefail

dir=${1:?usage: softhsm-setup.sh DIR [TOKEN_LABEL] [KEY_LABEL]}
token=${2:-portcullis-test}
key=${3:-signing-key}
export PORTCULLIS_PKCS11_PIN=${PORTCULLIS_PKCS11_PIN:-1234}
so_pin=${SOFTHSM_SO_PIN:-5678}

module=""
for candidate in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -e "$candidate" ] && { module=$candidate; break; }
done
[ -n "$module" ] || { echo "softhsm-setup: libsofthsm2.so not found: install the Debian package softhsm2" >&2; exit 1; }
for tool in softhsm2-util pkcs11-tool; do
  command -v "$tool" >/dev/null 2>&1 || { echo "softhsm-setup: $tool not found: install the Debian packages softhsm2 and opensc" >&2; exit 1; }
done

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
cat >"$dir/softhsm2.conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF=$dir/softhsm2.conf

softhsm2-util --init-token --free --label "$token" --pin "$PORTCULLIS_PKCS11_PIN" --so-pin "$so_pin" >/dev/null
# The PIN goes through the environment, not pkcs11-tool's command line.
pkcs11-tool --module "$module" --token-label "$token" --login --pin env:PORTCULLIS_PKCS11_PIN \
  --keypairgen --key-type EC:prime256v1 --label "$key" --id 01 --usage-sign --sensitive >/dev/null

echo "SOFTHSM2_CONF=$SOFTHSM2_CONF"
echo "MODULE=$module"
echo "TOKEN=$token"
echo "KEY_LABEL=$key"
echo "KEY_ID=01"
