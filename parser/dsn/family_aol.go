package dsn

// famAOL: not recognised yet.
var famAOL = family{name: "aol"}
