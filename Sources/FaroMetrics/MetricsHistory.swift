#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// The metrics history of one node: a round-robin file per series under `directory`
/// (`<kind>/<name>`), written with every sample, consolidated per time frame as it arrives.
/// Counters are kept as rates: the first sample of a series after the daemon starts only
/// primes them.
public actor MetricsHistory {
    let directory: String
    /// The last counters of each series and when they were read.
    private var previous: [SeriesKey: (time: Int, values: [Double])] = [:]
    /// The row being filled in each frame, so a sample costs one write per frame.
    private var open: [SeriesKey: [SeriesRow?]] = [:]

    public init(directory: String) {
        self.directory = directory
    }

    /// Records a sample of `key` taken at `time` (seconds since the epoch), with one value per
    /// field of its kind in field order; counter fields carry the counter's reading.
    public func record(_ key: SeriesKey, at time: Int, values: [Double]) throws(MetricsError) {
        precondition(values.count == key.kind.fields.count, "one value per field of \(key.kind)")
        guard let sample = rates(key, time: time, values: values) else { return }
        let layout = SeriesLayout(key.kind)
        let file = try openFile(key, layout: layout)
        defer { file.close() }
        var rows = open[key] ?? Array(repeating: nil, count: layout.frames.count)
        for (index, frame) in layout.frames.enumerated() {
            let bucket = time - ((time % frame.step) + frame.step) % frame.step
            var row: SeriesRow
            if let cached = rows[index], cached.bucket == bucket {
                row = cached
                row.add(sample)
            } else if rows[index] == nil, var stored = file.row(frame: index, bucket: bucket) {
                // The row a previous daemon left open.
                stored.add(sample)
                row = stored
            } else {
                row = SeriesRow(bucket: bucket, sample: sample)
            }
            try file.write(row, frame: index)
            rows[index] = row
        }
        open[key] = rows
    }

    /// The sample with counters turned into rates; nil while a series' counters are primed.
    private func rates(_ key: SeriesKey, time: Int, values: [Double]) -> [Double]? {
        let counters = key.kind.counterFields
        guard !counters.isEmpty else { return values }
        defer { previous[key] = (time, values) }
        guard let last = previous[key], time > last.time else { return nil }
        let seconds = Double(time - last.time)
        var sample = values
        for (index, field) in key.kind.fields.enumerated() where counters.contains(field) {
            sample[index] = CounterRate.perSecond(from: last.values[index], to: values[index], seconds: seconds)
        }
        return sample
    }

    /// The `rows` points of `frame` ending with the bucket holding `now`, oldest first. A
    /// point without data has no values (Proxmox then sends only its `time`).
    public func read(
        _ key: SeriesKey, frame: TimeFrame, consolidation: Consolidation, now: Int
    ) throws(MetricsError) -> [MetricsPoint] {
        let layout = SeriesLayout(key.kind)
        guard let index = layout.frames.firstIndex(of: frame) else { throw .noSuchFrame(key, frame) }
        let last = now - ((now % frame.step) + frame.step) % frame.step
        let first = last - (frame.rows - 1) * frame.step
        var stored: [Int: SeriesRow] = [:]
        if FileIO.exists(path(key)) {
            let file = try openFile(key, layout: layout)
            defer { file.close() }
            stored = try file.rows(frame: index)
        }
        return stride(from: first, through: last, by: frame.step).map { time in
            let row = stored[time]
            return MetricsPoint(time: time, values: row.map { consolidation == .average ? $0.average : $0.maximum })
        }
    }

    /// Forgets a series and deletes its file (a guest that no longer exists).
    public func remove(_ key: SeriesKey) {
        previous[key] = nil
        open[key] = nil
        FileIO.remove(path(key))
    }

    public nonisolated func path(_ key: SeriesKey) -> String {
        "\(directory)/\(key.kind.rawValue)/\(key.name.replacingSlashes)"
    }

    private func openFile(_ key: SeriesKey, layout: SeriesLayout) throws(MetricsError) -> RoundRobinFile {
        let path = path(key)
        if !FileIO.exists(path) {
            do { try FileIO.makeDirectory("\(directory)/\(key.kind.rawValue)", mode: 0o700) } catch {
                throw .io(path: directory, errno: EIO)
            }
        }
        return try RoundRobinFile.open(path, layout: layout)
    }
}

/// One point of a series: its bucket's start time and the values in field order (nil: no data).
public struct MetricsPoint: Equatable, Sendable {
    public let time: Int
    public let values: [Double]?
}

extension String {
    /// Storage series are named `<node>/<storage>`; their file is `<node>:<storage>`.
    fileprivate var replacingSlashes: String { String(map { $0 == "/" ? ":" : $0 }) }
}
