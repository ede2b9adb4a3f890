/// Turns cumulative counters (bytes received, read, ...) into rates per second.
public enum CounterRate {
    /// The rate between two readings `seconds` apart. A counter that went down has restarted
    /// (the guest was restarted, a NIC re-created): what it counted since is at most what
    /// happened in the interval, so that is the rate, never a negative one.
    public static func perSecond(from previous: Double, to current: Double, seconds: Double) -> Double {
        guard seconds > 0, current >= 0 else { return 0 }
        return (current >= previous ? current - previous : current) / seconds
    }
}
