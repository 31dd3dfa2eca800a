#!/usr/bin/env python3
"""bench/shares.py - who spends the gateway's CPU, from async-profiler's collapsed stacks.

    python3 bench/shares.py target/bench-profile/cpu.collapsed

Each sample goes to the library whose code was running: the deepest frame of a known library.
Frames of the JDK and of the kernel go to the library that called into them (a socket write
called by Netty is Netty's; a queue lock taken by the logging handler is the logging's), so the
shares say what to change, not which JDK class is busy. Samples of threads that run no library
code (GC, JIT compiler) are counted as "JVM threads". Prints a Markdown table, largest first,
then the project's own frames with the most self time.
"""
import collections
import sys

LIBRARIES = [
    ("io/connectors/", "the project's own classes"),
    ("io/vertx/httpproxy", "vertx-http-proxy"),
    ("io/vertx/ext/web", "Vert.x Web (router)"),
    ("io/vertx/", "Vert.x core (HTTP server and client, futures, pipes)"),
    ("io/netty/", "Netty (sockets, HTTP codec, event loop)"),
    ("org/jboss/logmanager", "logging (JBoss LogManager: async handler, JSON, console writes)"),
    ("org/eclipse/parsson", "logging (JBoss LogManager: async handler, JSON, console writes)"),
    ("io/micrometer", "Micrometer"),
    ("com/github/benmanes/caffeine", "Caffeine (review caches)"),
    ("io/quarkus", "Quarkus"),
    ("io/smallrye", "SmallRye"),
    ("io/fabric8", "fabric8 (informers)"),
]
JDK = ("java/", "jdk/", "sun/", "com/sun/")


def library(frame):
    for prefix, name in LIBRARIES:
        if frame.startswith(prefix):
            return name
    return None


def main(path):
    total = 0
    shares = collections.Counter()
    own = collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        name = next((library(f) for f in reversed(frames) if library(f)), None)
        if name is None:
            name = "JDK, called by no library above" if any(f.startswith(JDK) for f in frames) else "JVM threads (GC, JIT) and native code"
        shares[name] += samples
        if name == "the project's own classes":
            deepest = next(f for f in reversed(frames) if f.startswith("io/connectors/"))
            own[deepest.split("(")[0]] += samples
    if not total:
        sys.exit(f"{path}: no samples")
    print(f"| where ({total} samples) | share |")
    print("|---|---|")
    for name, samples in shares.most_common():
        print(f"| {name} | {100.0 * samples / total:.1f} % |")
    print()
    print("| the project's frames with the most self time (JDK calls included) | share |")
    print("|---|---|")
    for frame, samples in own.most_common(12):
        print(f"| `{frame.replace('/', '.')}` | {100.0 * samples / total:.1f} % |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
