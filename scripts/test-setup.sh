#!/usr/bin/env bash
# Installs the Debian tools the test suite drives for real (registry, image tools, compilers for
# fixtures). Runs before `npm test`. Needs root for apt-get; without root it only reports what is
# missing, and the tests that need a missing tool fail with a message naming it.
set -euo pipefail

# command name -> Debian package
declare -A TOOLS=(
  [ruby]=ruby
  [php]=php-cli
  [rustc]=rustc
  [skopeo]=skopeo
  [podman]=podman
  [buildah]=buildah
  [umoci]=umoci
  [debootstrap]=debootstrap
  [docker-registry]=docker-registry
  [go]=golang-go
  [rpmbuild]=rpm
  [zstd]=zstd
  [htpasswd]=apache2-utils
  [openssl]=openssl
  [zip]=zip
  [jar]=default-jdk-headless
  [xmllint]=libxml2-utils
  [wrk]=wrk
  [kubectl]=kubernetes-client
  [softhsm2-util]=softhsm2
  [pkcs11-tool]=opensc
)

# Python module of Debian's own /usr/bin/python3 -> Debian package (independent reference implementations the
# version comparator tests check against).
declare -A PYTHON_MODULES=(
  [apt_pkg]=python3-apt
  [rpm]=python3-rpm
  [packaging]=python3-packaging
  [PyKCS11]=python3-pykcs11
)

# File -> Debian package, for libraries that install no command.
declare -A FILES=(
  [/usr/share/maven/lib/maven-artifact-3.x.jar]=libmaven3-core-java
  [/usr/share/php/Composer/Semver/VersionParser.php]=php-composer-semver
  [/usr/share/cargo/registry/semver-1.0.14/src/lib.rs]=librust-semver-dev
)

missing=()
for tool in "${!TOOLS[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${TOOLS[$tool]}")
done
for module in "${!PYTHON_MODULES[@]}"; do
  /usr/bin/python3 -c "import $module" >/dev/null 2>&1 || missing+=("${PYTHON_MODULES[$module]}")
done
for file in "${!FILES[@]}"; do
  [ -e "$file" ] || missing+=("${FILES[$file]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "test-setup: missing Debian packages (install them as root): ${missing[*]}" >&2
  exit 0
fi
echo "test-setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
