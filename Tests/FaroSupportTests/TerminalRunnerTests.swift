import FaroSupport
import Glibc
import Testing

/// A real program on a real pseudo-terminal: it sees a terminal of the given size as its
/// controlling terminal, reads what is typed and its output comes back.
@Suite struct TerminalRunnerTests {
    /// Reads from `descriptor` until the program's end (EIO on a primary side) or 10 s.
    static func readToEnd(_ descriptor: Int32) -> String {
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 10_000) > 0 {
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        return String(decoding: output, as: UTF8.self)
    }

    @Test func programGetsTheTerminalAndItsSize() async throws {
        let script = "stty size; : </dev/tty && echo has-ctty; read line; echo \"got:$line\"; echo \"term:$TERM\""
        var output = ""
        let termination = try await TerminalRunner().run(
            ["/bin/sh", "-c", script], environment: ["TERM": "xterm-256color", "PATH": "/usr/bin:/bin"],
            size: TerminalSize(columns: 100, rows: 30)
        ) { primary in
            defer { close(primary) }
            _ = "hello\n".withCString { write(primary, $0, 6) }
            output = Self.readToEnd(primary)
        }
        #expect(termination == .exited(0))
        #expect(output.contains("30 100"), "stty size: \(output)")
        #expect(output.contains("has-ctty"), "no controlling terminal: \(output)")
        #expect(output.contains("got:hello"), "\(output)")
        #expect(output.contains("term:xterm-256color"), "\(output)")
    }

    @Test func resizingTellsTheProgram() async throws {
        var output = ""
        _ = try await TerminalRunner().run(["/bin/sh", "-c", "read line; stty size"], environment: ["PATH": "/usr/bin:/bin"]) { primary in
            defer { close(primary) }
            #expect(PseudoTerminal.resize(primary, TerminalSize(columns: 132, rows: 43)))
            #expect(PseudoTerminal.size(primary) == TerminalSize(columns: 132, rows: 43))
            _ = "\n".withCString { write(primary, $0, 1) }
            output = Self.readToEnd(primary)
        }
        #expect(output.contains("43 132"), "\(output)")
    }

    @Test func endingTheSessionHangsUpTheProgram() async throws {
        let started = ContinuousClock.now
        // The session ends once the program runs on the terminal (closed before that, setsid
        // itself fails to take the terminal and exits 1).
        let termination = try await TerminalRunner().run(["/bin/sh", "-c", "echo ready; exec /bin/sleep 60"], environment: [:]) { primary in
            var seen = ""
            var byte: UInt8 = 0
            var poller = pollfd(fd: primary, events: Int16(POLLIN), revents: 0)
            while !seen.contains("ready"), poll(&poller, 1, 30_000) > 0, read(primary, &byte, 1) == 1 { seen.append(Character(UnicodeScalar(byte))) }
            close(primary)
        }
        #expect(termination == .signalled(SIGHUP))
        // sleep would last 60 s; a loaded machine may take a while to spawn and reap it.
        #expect(ContinuousClock.now - started < .seconds(45))
    }

    @Test func aMissingProgramFails() async throws {
        let termination = try await TerminalRunner().run(["/nonexistent/program"], environment: [:]) { primary in
            _ = Self.readToEnd(primary)
            close(primary)
        }
        #expect(termination != .exited(0))
    }
}
