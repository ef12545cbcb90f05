package dsn

// famDomino: not recognised yet.
var famDomino = family{name: "domino"}
