import Foundation

/// The package's executables of the same build as the running test executable.
public enum Products {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// `execlogd`, `execlog`, `execlog-loadgen`: next to the test executable (a few folders up on macOS,
    /// where it sits in a bundle), else in the package's debug build folder.
    public static func url(_ name: String) throws -> URL {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            var folder = URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(folder.appendingPathComponent(name))
                folder = folder.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
        let found = candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: url.path)
        }
        guard let found else {
            throw Missing(description: "\(name) was not built next to the tests (\(CommandLine.arguments.first ?? "?")); run swift build first")
        }
        return found
    }
}
