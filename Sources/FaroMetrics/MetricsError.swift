/// Why the metrics history could not read or write a series.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    case io(path: String, errno: Int32)
    /// The series has no frame of this name (`decade` is kept for nodes only).
    case noSuchFrame(SeriesKey, TimeFrame)

    public var description: String {
        switch self {
        case .io(let path, let errno): "metrics file '\(path)': error \(errno)"
        case .noSuchFrame(let key, let frame): "no '\(frame.rawValue)' time frame for \(key)"
        }
    }
}
