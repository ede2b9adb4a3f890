"""`make bench`: parameter parsing must be linear in the request. POST /access/ticket (which
needs no login) with a body that repeats one parameter N times, and with N distinct unknown
parameters, for doubling N; the time of each request must at most double with N (a quadratic
parser quadruples). Prints a table and writes its section of BENCHMARKS.md.

    FARO_BIN=.build/release/faro python3 scripts/bench-params.py
"""
import http.client, os, shutil, ssl, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
FARO = os.environ.get("FARO_BIN", os.path.join(HERE, "..", ".build", "release", "faro"))
CONTEXT = ssl.create_default_context()
CONTEXT.check_hostname = False
CONTEXT.verify_mode = ssl.CERT_NONE
SIZES = [2_500, 5_000, 10_000, 20_000, 40_000]


def timed_post(port, body):
    """Median seconds of 5 posts of `body` over one kept-alive connection, and the last status."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=CONTEXT, timeout=120)
    times, status = [], None
    for _ in range(5):
        start = time.perf_counter()
        connection.request("POST", "/api2/json/access/ticket", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        status = response.status
    connection.close()
    return statistics.median(times), status


def main():
    root = tempfile.mkdtemp(prefix="faro-bench-params-")
    daemon = subprocess.Popen([FARO, "daemon", "--root", root, "--node", "bench", "--listen", "127.0.0.1:0", "--auth-delay-ms", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = daemon.stdout.readline()
        port = int(line.strip().rsplit(":", 1)[1])
        shapes = {
            "one parameter repeated N times": lambda n: "&".join(["username=a"] * n),
            "N distinct unknown parameters": lambda n: "&".join(f"p{i}=1" for i in range(n)),
        }
        rows, worst = [], 0.0
        for label, make in shapes.items():
            previous = None
            for n in SIZES:
                seconds, status = timed_post(port, make(n).encode())
                growth = seconds / previous if previous else None
                if growth:
                    worst = max(worst, growth)
                rows.append(f"| {label} | {n:,} | {seconds * 1000:.2f} ms | {status} | {f'{growth:.2f}' if growth else ''} |")
                previous = seconds
        verdict = "met" if worst <= 2.2 else "NOT met"
        report = "\n".join([
            f"## Parameter parsing before login ({time.strftime('%Y-%m-%d', time.gmtime())}, {os.cpu_count()} cores)",
            "",
            "`POST /access/ticket` with form bodies of doubling size, median of 5 over one kept-alive HTTPS connection,",
            "release build. Growth is the time against the previous size; linear parsing keeps it at 2 or less",
            "(the daemon refuses more than 4,096 parameters early, so the larger sizes cost only the read).",
            "",
            "| body | N | time | status | growth |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Worst growth per doubling: {worst:.2f} (target <= 2, with 10% for noise: {verdict}).",
        ])
        print(report)
        subprocess.run([sys.executable, os.path.join(HERE, "bench_report.py"), os.path.join(HERE, "..", "BENCHMARKS.md"), report], check=True)
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
