package dsn

// famDragonFly: not recognised yet. (The file is not family_dragonfly.go: a _dragonfly suffix is a GOOS build constraint.)
var famDragonFly = family{name: "dragonfly"}
