package dsn

// famIMailServer: not recognised yet.
var famIMailServer = family{name: "imailserver"}
