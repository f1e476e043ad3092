// What a worker needs comes with `import ExecLog`: the execution record and its JSON values live in
// ExecLogModel (shared with the writer and the store), which is not a product of its own.
@_exported import ExecLogModel
