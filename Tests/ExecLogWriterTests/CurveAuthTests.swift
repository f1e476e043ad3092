import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// tcp endpoints under CURVE (docs/SECURITY.md): the real execlogd, real ZeroMQ clients. Status is read
/// over the daemon's ipc endpoint, which stays plain.
@Suite(.timeLimit(.minutes(2)))
struct CurveAuthTests {
    /// A daemon with CURVE on a tcp endpoint, and that endpoint.
    func curveDaemon(_ folder: TemporaryFolder, _ keys: CurveKeys) throws -> (Daemon, String) {
        let daemon = try Daemon(folder: folder, extraArguments: ["--listen", "tcp://127.0.0.1:*"] + keys.daemonArguments)
        let status = try daemon.waitUntilReady()
        return (daemon, try #require(status.endpoints.first { $0.hasPrefix("tcp://") }))
    }

    func status(_ daemon: Daemon) throws -> WriterStatus {
        try #require(try RawClient(endpoint: daemon.ipcEndpoint).status())
    }

    /// Waits until `condition` holds on the daemon's status; the last status either way.
    @discardableResult
    func waitForStatus(_ daemon: Daemon, timeout: TimeInterval = 10, _ condition: (WriterStatus) -> Bool) throws -> WriterStatus {
        var last = try status(daemon)
        _ = try Poll.until(timeout: timeout) { () throws -> Bool? in
            last = try status(daemon)
            return condition(last) ? true : nil
        }
        return last
    }

    func events(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = ExecutionGenerator(seed: seed)
        return (0..<count).map { _ in generator.next().eventBytes }
    }

    @Test func aClientWithoutKeysWithAWrongServerKeyOrOutsideTheAllowListIsRefusedAndCounted() throws {
        let folder = try TemporaryFolder()
        let keys = try CurveKeys(folder: folder)
        let (daemon, tcp) = try curveDaemon(folder, keys)
        #expect(try status(daemon).allowedKeys == 1)
        let impostorServer = try ZMQ.curveKeyPair().publicKey
        let clients: [(String, () throws -> RawClient)] = [
            ("no CURVE", { try RawClient(endpoint: tcp) }),
            ("a wrong server key", { try RawClient(endpoint: tcp, curve: (impostorServer, keys.allowed)) }),
            ("a key outside the allow-list", { try RawClient(endpoint: tcp, curve: (keys.server.publicKey, keys.outsider)) }),
        ]
        var failures = 0
        for (index, (label, makeClient)) in clients.enumerated() {
            let client = try makeClient()
            // Not waiting: once its handshake failed, libzmq may hold no pipe for the message at all.
            _ = try client.socket.send(WireMessage.batch(id: "b\(index)", events: events(5, seed: UInt64(index))).frames, dontWait: true)
            #expect(try client.receive(timeout: 1) == nil, "a client with \(label) got an answer")
            let counted = try waitForStatus(daemon) { $0.authFailures > failures }
            #expect(counted.authFailures > failures, "a client with \(label) was not counted in auth_failures")
            failures = counted.authFailures
        }
        let final = try status(daemon)
        #expect(final.received == 0 && final.stored == 0)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 0)
        #expect(daemon.log.contains("connection refused"), "\(daemon.log)")
        #expect(daemon.log.contains(keys.outsider.publicKey), "the refused key is not in the log: \(daemon.log)")
    }

    @Test func anAllowedClientIsStoredAndExeclogStatusWorksWithKeys() throws {
        let folder = try TemporaryFolder()
        let keys = try CurveKeys(folder: folder)
        let (daemon, tcp) = try curveDaemon(folder, keys)
        let client = try RawClient(endpoint: tcp, curve: (keys.server.publicKey, keys.allowed))
        #expect(try client.sendBatch("ok", events(20, seed: 3))?.stored == 20)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 20)
        #expect(try status(daemon).authFailures == 0)

        // `execlog status` over the CURVE endpoint: with the allowed client's keys, and refused without them.
        let withKeys = try runExeclog([
            "status", "--endpoint", tcp, "--json", "--curve-server-key-file", keys.serverKeyFile,
            "--curve-secret-key-file", keys.allowedSecretKeyFile,
        ])
        #expect(withKeys.status == 0, "\(withKeys.stderr)")
        #expect(WriterStatus(json: Array(withKeys.stdout.utf8))?.stored == 20)
        let withoutKeys = try runExeclog(["status", "--endpoint", tcp, "--timeout", "500ms"])
        #expect(withoutKeys.status == 1)
        #expect(withoutKeys.stderr.contains("--curve-server-key-file"), "\(withoutKeys.stderr)")
    }

    @Test func aKeyAddedToTheAllowListIsAcceptedAfterSIGHUP() throws {
        let folder = try TemporaryFolder()
        let keys = try CurveKeys(folder: folder)
        let (daemon, tcp) = try curveDaemon(folder, keys)
        let refused = try RawClient(endpoint: tcp, curve: (keys.server.publicKey, keys.outsider))
        _ = try refused.socket.send(WireMessage.batch(id: "early", events: events(3, seed: 1)).frames, dontWait: true)
        #expect(try refused.receive(timeout: 1) == nil)
        #expect(try waitForStatus(daemon) { $0.authFailures > 0 }.authFailures > 0)

        try keys.allow(keys.outsider.publicKey, name: "outsider")
        daemon.signal(SIGHUP)
        #expect(try waitForStatus(daemon) { $0.allowedKeys == 2 }.allowedKeys == 2)
        #expect(daemon.log.contains("allowed client keys reloaded"), "\(daemon.log)")
        #expect(daemon.log.contains("keys=2"), "\(daemon.log)")
        let accepted = try RawClient(endpoint: tcp, curve: (keys.server.publicKey, keys.outsider))
        #expect(try accepted.sendBatch("late", events(4, seed: 2))?.stored == 4)
        #expect(daemon.process.isRunning)
    }

    @Test func theEmitterSendsWithKeysFromTheEnvironment() throws {
        let folder = try TemporaryFolder()
        let keys = try CurveKeys(folder: folder)
        let (daemon, tcp) = try curveDaemon(folder, keys)
        let run = try LoadgenRun(
            ["emit", "--endpoint", tcp, "--count", "300", "--json", "--latency-scale", "0"],
            environment: keys.allowedClientEnvironment)
        #expect(run.waitForExit(timeout: 60) == 0)
        let summary = try #require(run.summary)
        #expect(summary.acked == 300 && summary.dropped == 0)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 300)
    }

    @Test func aPlainTCPEndpointNeedsInsecure() throws {
        let folder = try TemporaryFolder()
        let refused = try runExeclogd(["--listen", "tcp://127.0.0.1:*", "--db", folder.path("s.db")])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("tcp://127.0.0.1:* needs CURVE"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--insecure"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("s.db")))

        let daemon = try Daemon(folder: folder, extraArguments: ["--listen", "tcp://127.0.0.1:*", "--insecure"])
        try daemon.waitUntilReady()
        #expect(daemon.log.contains("tcp endpoint without CURVE (--insecure)"), "\(daemon.log)")
    }

    @Test func aSecretKeyFileReadableByOthersIsRefused() throws {
        let folder = try TemporaryFolder()
        let keys = try CurveKeys(folder: folder)
        chmod(keys.secretKeyFile, 0o644)
        let result = try runExeclogd(["--listen", "tcp://127.0.0.1:*", "--db", folder.path("s.db")] + keys.daemonArguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("CURVE secret key file \(keys.secretKeyFile) has mode 0644"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: curve-secret-key-file: CURVE secret key file"), "\(result.stderr)")
    }

    @Test func aPublicKeyFileGivenAsTheSecretIsRefused() throws {
        let folder = try TemporaryFolder()
        let keygen = try runExeclog(["keygen", "--out", folder.path(""), "--name", "writer"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        // The mistake the attack made: the public file, made private, given as the secret.
        let publicFile = folder.path("writer.key")
        chmod(publicFile, 0o600)
        try FileManager.default.createDirectory(atPath: folder.path("allowed"), withIntermediateDirectories: true)
        let result = try runExeclogd([
            "--listen", "tcp://127.0.0.1:*", "--db", folder.path("s.db"), "--curve-secret-key-file", publicFile,
            "--curve-allowed-keys", folder.path("allowed"),
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("\(publicFile) holds a CURVE public key"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("s.db")), "refused before anything is created")
    }

    @Test func aFolderMadeForTheStoreIsPrivateWhateverTheUmask() throws {
        let folder = try TemporaryFolder()
        let store = folder.path("var/lib/execlog/store.db")
        let process = try ChildProcess(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "umask 000; exec \"$0\" \"$@\"", try Products.url("execlogd").path,
             "--listen", "ipc://\(folder.path("w.sock"))", "--db", store])
        defer { process.stop() }
        #expect(try RawClient(endpoint: "ipc://\(folder.path("w.sock"))").status(timeout: 15) != nil)
        for path in [folder.path("var"), folder.path("var/lib"), folder.path("var/lib/execlog")] {
            var info = stat()
            stat(path, &info)
            #expect(info.st_mode & 0o777 == 0o750, "\(path): \(CurveKeyFile.octal(info.st_mode & 0o777))")
        }
    }

    @Test func theIPCFolderSocketAndStoreAreLockedDown() throws {
        let folder = try TemporaryFolder()
        let group = try #require(getgrgid(getegid())).pointee
        let groupName = String(cString: group.gr_name)
        let socketFolder = folder.path("run/execlog")
        let daemon = try Daemon(
            folder: folder, extraArguments: ["--listen", "ipc://\(socketFolder)/execlog.sock", "--socket-group", groupName])
        try daemon.waitUntilReady()
        func mode(_ path: String) -> (mode: mode_t, group: gid_t) {
            var info = stat()
            stat(path, &info)
            return (info.st_mode & 0o777, info.st_gid)
        }
        #expect(mode(socketFolder).mode == 0o750)
        #expect(mode(socketFolder).group == group.gr_gid)
        #expect(mode(socketFolder + "/execlog.sock").mode == 0o660)
        #expect(mode(socketFolder + "/execlog.sock").group == group.gr_gid)
        #expect(mode(String(daemon.ipcEndpoint.dropFirst("ipc://".count))).mode == 0o660)
        #expect(mode(daemon.storePath).mode == 0o640)
        #expect(try RawClient(endpoint: "ipc://\(socketFolder)/execlog.sock").status()?.store == daemon.storePath)

        let unknown = try runExeclogd(["--listen", "ipc://\(folder.path("x.sock"))", "--db", folder.path("x.db"), "--socket-group", "no-such-group-xyz"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no group named \"no-such-group-xyz\""), "\(unknown.stderr)")
    }

    // MARK: - Running the executables

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func runExeclog(_ arguments: [String]) throws -> Run { try run("execlog", arguments) }
    func runExeclogd(_ arguments: [String]) throws -> Run { try run("execlogd", arguments) }

    /// The product run with no `EXECLOG*` variable from this process's environment.
    private func run(_ product: String, _ arguments: [String]) throws -> Run {
        let inherited = ProcessInfo.processInfo.environment.keys.filter { $0.hasPrefix("EXECLOG") }
        let process = try ChildProcess(try Products.url(product), arguments, unset: Array(inherited))
        let status = try #require(process.waitForExit(timeout: 30), "\(product) did not exit: \(process.stderr)")
        return Run(status: status, stdout: process.stdout, stderr: process.stderr)
    }
}
