#!/usr/bin/env bash
# Fetches the Apache Kafka broker's jars (Maven Central) into .cache/kafka/libs once; later runs reuse them.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
libs="$root/.cache/kafka/libs"
if [ -f "$libs/.complete" ]; then exit 0; fi
mkdir -p "$libs"
mvn -q -B -f "$root/tools/kafka/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$libs" -DincludeScope=runtime
touch "$libs/.complete"
echo "kafka broker jars in $libs"
