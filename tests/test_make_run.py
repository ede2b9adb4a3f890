"""`make run` as a new user meets it (issue 23 item 7): the first screen is clean, the URL it
prints answers, and Ctrl-C stops the daemon and leaves nothing running. The real Makefile
target and scripts/run.sh run; FARO_BIN points them at the debug build so no release build
is needed."""
import os, queue, re, shutil, signal, ssl, subprocess, tempfile, threading, time, urllib.request

from conftest import FARO

CHECKOUT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def live_processes_naming(text):
    """Processes whose command line contains `text`, zombies left out (PID 1 here does not
    reap them, and one that is a zombie has stopped): (pid, state, command line)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                command = file.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as file:
                state = file.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append((int(pid), state, command))
    return found


def reader(stream):
    """A queue fed with the stream's lines by a thread, then None at its end."""
    lines = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def read_until(lines, marker, seconds):
    """Lines up to and including the first that contains `marker`."""
    seen, deadline = [], time.time() + seconds
    while time.time() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"no line with {marker!r} within {seconds} s; got:\n" + "".join(seen))


def test_make_run_starts_answers_and_stops_on_ctrl_c():
    root = tempfile.mkdtemp(prefix="faro-make-run-")
    command = ["make", "--no-print-directory", "run", f"ROOT={root}", "LISTEN=127.0.0.1:0", f"FARO_BIN={os.path.abspath(FARO)}"]
    # Its own process group, with Ctrl-C's signal at its default, as in a terminal.
    process = subprocess.Popen(
        command, cwd=CHECKOUT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    out, err = reader(process.stdout), reader(process.stderr)
    try:
        screen = read_until(out, "Stop:", 120)
        url = re.search(r"URL:\s+(https://\S+/)", screen).group(1)
        assert url.startswith("https://127.0.0.1:"), screen
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            assert response.status == 200 and b"<html" in response.read().lower()
        assert live_processes_naming(root), "the daemon runs while make run does"

        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        process.wait(timeout=60)
        lines = []
        while (line := err.get(timeout=10)) is not None:
            lines.append(line)
        stderr = "".join(lines)
        assert not re.search(r"run\.sh: line \d+|Bad file descriptor|No such file", stderr), stderr
        assert not re.search(r"\b(error|critical)\b", stderr, re.IGNORECASE), stderr
        assert live_processes_naming(root) == [], "nothing of the run is left"
    finally:
        for pid, _, _ in live_processes_naming(root):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
