#!/usr/bin/env bash
# Install the simulated fleet: OpenDaylight's NETCONF device simulator (netconf-testtool, one JVM
# that runs N simulated devices on consecutive ports) and a Java runtime for it.
#
#   - Java: the newest runtime on the machine (DEVCONF_FLEET_JAVA, $JAVA_HOME, /usr/lib/jvm/*,
#     the java on PATH); when there is none, Debian's openjdk-17-jre-headless from apt.
#   - netconf-testtool 10.0.2 when that Java is 21 or later, 6.0.4 otherwise (10.x is built for
#     Java 21: class file version 65; 6.0.4 runs on Debian 12's OpenJDK 17). Override with
#     DEVCONF_FLEET_TESTTOOL_VERSION.
#   - the jar (classifier "executable", self-contained) fetched with Maven from the Maven
#     repository Maven is configured with (Debian's maven package when mvn is missing), copied to
#     DEVCONF_FLEET_DIR (default /opt/devconf-fleet) with fleet.env beside it:
#         FLEET_JAVA=/path/to/bin/java  FLEET_JAVA_VERSION=25.0.3  FLEET_TESTTOOL_VERSION=10.0.2
#         FLEET_TESTTOOL_JAR=/opt/devconf-fleet/netconf-testtool-10.0.2-executable.jar
#     which tests/fixtures/fleet/fleet-up.sh reads.
#   - a check that it starts: one simulated device on a free loopback port answers with an SSH
#     banner, then it is stopped.
#
# Idempotent: when fleet.env names a jar and a java that are still there and were checked, nothing
# is fetched or started (a fraction of a second). DEVCONF_FLEET_FORCE=1 checks again.
#
# Usage: scripts/install-fleet-deps.sh
# Environment: DEVCONF_FLEET_DIR, DEVCONF_FLEET_JAVA, DEVCONF_FLEET_TESTTOOL_VERSION,
#              DEVCONF_FLEET_M2 (Maven's local repository, default ~/.m2/repository),
#              DEVCONF_FLEET_FORCE.
set -euo pipefail

FLEET_DIR=${DEVCONF_FLEET_DIR:-/opt/devconf-fleet}
M2=${DEVCONF_FLEET_M2:-$HOME/.m2/repository}
GROUP=org.opendaylight.netconf
ARTIFACT=netconf-testtool
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

log() { echo "install-fleet-deps.sh: $*" >&2; }
die() { log "$*"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available"
    SUDO=(sudo)
fi

apt_install() {
    log "installing from apt: $*"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

# The feature version (17, 21, 25, ...) of a java binary; empty when it does not run.
java_feature() { # $1: java
    local v
    v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
    case $v in 1.*) v=${v#1.} ;; esac
    [[ $v =~ ^[0-9]+$ ]] && echo "$v"
}
java_full_version() { # $1: java
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -1
}

# The newest Java on the machine, as "FEATURE PATH".
find_java() {
    local c f best="" bestf=0
    local cands=()
    [ -n "${DEVCONF_FLEET_JAVA:-}" ] && cands+=("$DEVCONF_FLEET_JAVA")
    [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME/bin/java")
    for c in /usr/lib/jvm/*/bin/java; do [ -x "$c" ] && cands+=("$c"); done
    c=$(command -v java 2>/dev/null || true)
    [ -n "$c" ] && cands+=("$(readlink -f "$c")")
    for c in "${cands[@]}"; do
        [ -x "$c" ] || continue
        f=$(java_feature "$c" || true)
        [ -n "$f" ] || continue
        if [ -n "${DEVCONF_FLEET_JAVA:-}" ] && [ "$c" = "$DEVCONF_FLEET_JAVA" ]; then
            echo "$f $c"; return 0 # an explicit choice wins
        fi
        if [ "$f" -gt "$bestf" ]; then bestf=$f; best=$c; fi
    done
    [ -n "$best" ] && echo "$bestf $best"
}

# Starts one simulated device on a free loopback port and waits for its SSH banner.
check_starts() { # $1: java $2: jar
    local tmp port pid ok=0
    tmp=$(mktemp -d)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    setsid "$1" -Xmx256m -jar "$2" --device-count 1 --starting-port "$port" --ip 127.0.0.1 \
        --md-sal true >"$tmp/log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 240); do
        if python3 - "$port" <<'EOF' 2>/dev/null; then ok=1; break; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.settimeout(5)
sys.exit(0 if s.recv(64).startswith(b"SSH-2.0-") else 1)
EOF
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ "$ok" -ne 1 ]; then
        log "the simulator did not answer on 127.0.0.1:$port; its log:"
        grep -v '|-' "$tmp/log" | tail -20 >&2
    fi
    rm -rf "$tmp"
    [ "$ok" -eq 1 ]
}

# --- already installed? ---------------------------------------------------------
ENV_FILE=$FLEET_DIR/fleet.env
if [ -z "${DEVCONF_FLEET_FORCE:-}" ] && [ -r "$ENV_FILE" ]; then
    (
        set +u
        # shellcheck disable=SC1090
        . "$ENV_FILE"
        [ -n "$FLEET_CHECKED" ] && [ -x "$FLEET_JAVA" ] && [ -s "$FLEET_TESTTOOL_JAR" ] || exit 1
        [ -z "${DEVCONF_FLEET_TESTTOOL_VERSION:-}" ] ||
            [ "$DEVCONF_FLEET_TESTTOOL_VERSION" = "$FLEET_TESTTOOL_VERSION" ] || exit 1
        [ -z "${DEVCONF_FLEET_JAVA:-}" ] || [ "$DEVCONF_FLEET_JAVA" = "$FLEET_JAVA" ] || exit 1
        # the newest Java may have changed since (a Java 21+ installed later: use 10.0.2)
        [ -n "${DEVCONF_FLEET_TESTTOOL_VERSION:-}" ] || [ -n "${DEVCONF_FLEET_JAVA:-}" ] ||
            [ "$(find_java | cut -d' ' -f2)" = "$FLEET_JAVA" ]
    ) && {
        log "netconf-testtool already installed ($(sed -n 's/^FLEET_TESTTOOL_VERSION=//p' "$ENV_FILE"), $ENV_FILE)"
        exit 0
    }
fi

# --- Java -----------------------------------------------------------------------
found=$(find_java || true)
if [ -z "$found" ]; then
    apt_install openjdk-17-jre-headless
    found=$(find_java || true)
    [ -n "$found" ] || die "no working Java after installing openjdk-17-jre-headless"
fi
java_major=${found%% *}
JAVA=${found#* }
log "Java $java_major: $JAVA"

if [ -n "${DEVCONF_FLEET_TESTTOOL_VERSION:-}" ]; then
    VERSION=$DEVCONF_FLEET_TESTTOOL_VERSION
elif [ "$java_major" -ge 21 ]; then
    VERSION=10.0.2
else
    VERSION=6.0.4
fi
log "netconf-testtool $VERSION"

# --- the jar ----------------------------------------------------------------------
JAR_NAME=$ARTIFACT-$VERSION-executable.jar
CACHED=$M2/${GROUP//.//}/$ARTIFACT/$VERSION/$JAR_NAME
if [ ! -s "$CACHED" ]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven
    log "fetching $GROUP:$ARTIFACT:$VERSION:jar:executable with Maven"
    # -Dtransitive=false: the executable jar carries its dependencies inside.
    mvn -q -B "-Dmaven.repo.local=$M2" "$DEP_PLUGIN:get" \
        "-Dartifact=$GROUP:$ARTIFACT:$VERSION:jar:executable" -Dtransitive=false >&2
    [ -s "$CACHED" ] || die "Maven did not leave $CACHED"
fi
"${SUDO[@]}" mkdir -p "$FLEET_DIR"
if ! cmp -s "$CACHED" "$FLEET_DIR/$JAR_NAME"; then
    "${SUDO[@]}" cp "$CACHED" "$FLEET_DIR/$JAR_NAME.tmp"
    "${SUDO[@]}" mv -f "$FLEET_DIR/$JAR_NAME.tmp" "$FLEET_DIR/$JAR_NAME"
fi

# --- it starts? -------------------------------------------------------------------
log "checking that it starts (one simulated device on loopback)"
check_starts "$JAVA" "$FLEET_DIR/$JAR_NAME" || die "netconf-testtool $VERSION does not start with $JAVA"

tmp_env=$(mktemp)
cat >"$tmp_env" <<EOF
# written by scripts/install-fleet-deps.sh; read by tests/fixtures/fleet/fleet-up.sh
FLEET_JAVA=$JAVA
FLEET_JAVA_VERSION=$(java_full_version "$JAVA")
FLEET_TESTTOOL_VERSION=$VERSION
FLEET_TESTTOOL_JAR=$FLEET_DIR/$JAR_NAME
FLEET_CHECKED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
"${SUDO[@]}" install -m 0644 "$tmp_env" "$ENV_FILE"
rm -f "$tmp_env"
log "done ($ENV_FILE)"
