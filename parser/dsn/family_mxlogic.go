package dsn

// famMXLogic: not recognised yet.
var famMXLogic = family{name: "mxlogic"}
