/// Snapshot sections: each holds the config at snapshot time plus `snaptime`; `parent`
/// links them into a tree, and the main section's `parent` names the newest one the
/// current state grew from.
extension GuestConfigFile {
    /// Adds `[name]` with a copy of the main options (without `lock`) and makes it the parent
    /// of the current state.
    public mutating func addSnapshot(_ name: String, description: String?, time: Int) {
        var options = main.options
        options["lock"] = nil
        options["snaptime"] = String(time)
        sections.append((name, Section(description: description, options: options, rawLXC: main.rawLXC)))
        main.options["parent"] = name
    }

    /// Removes `[name]`; children of it (and the current state) take its parent.
    public mutating func removeSnapshot(_ name: String) {
        guard let index = sections.firstIndex(where: { $0.name == name }) else { return }
        let parent = sections[index].section.options["parent"]
        sections.remove(at: index)
        for other in sections.indices where sections[other].section.options["parent"] == name {
            sections[other].section.options["parent"] = parent
        }
        if main.options["parent"] == name { main.options["parent"] = parent }
    }

    /// Makes `[name]` the current state again (the other sections stay); nil when it does not exist.
    public mutating func restoreSnapshot(_ name: String, pendingSection: String) -> Bool {
        guard let section = sections.first(where: { $0.name == name })?.section else { return false }
        var options = section.options
        options["snaptime"] = nil
        options["parent"] = name
        main = Section(description: section.description, options: options, rawLXC: section.rawLXC)
        sections.removeAll { $0.name.lowercased() == pendingSection.lowercased() }
        return true
    }
}
