/// Reading lxc's own log (`lxc-start -o FILE`), whose lines look like
/// `lxc-start 200 20261202101010.123 ERROR    conf - ../src/lxc/conf.c:run:42 - the message`.
enum LXCLog {
    /// The message of the first ERROR line in `text`: where a start failed, that is the cause
    /// ("Could not access /x. Please grant it x access"); the last lines only repeat that the
    /// container failed to start.
    static func firstError(_ text: Substring) -> String? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: true)
            guard fields.count == 5, fields[3] == "ERROR" else { continue }
            let parts = line.components(separatedBy: " - ")
            return parts.count >= 3 ? parts[2...].joined(separator: " - ") : String(fields[4])
        }
        return nil
    }
}
