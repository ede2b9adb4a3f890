import FaroModel

/// Clones that read one source VM share its `lock: clone`: the first sets it, the last one
/// to finish removes it, so several clones of a template can run at once while nothing else
/// touches the source.
actor CloneLeases {
    private var holders: [VMID: Int] = [:]

    func count(_ vmid: VMID) -> Int { holders[vmid] ?? 0 }

    func acquire(_ vmid: VMID) { holders[vmid, default: 0] += 1 }

    /// Returns whether this was the last holder.
    func release(_ vmid: VMID) -> Bool {
        let left = max(0, (holders[vmid] ?? 1) - 1)
        holders[vmid] = left == 0 ? nil : left
        return left == 0
    }
}
