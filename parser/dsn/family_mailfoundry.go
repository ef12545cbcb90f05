package dsn

// famMailFoundry: not recognised yet.
var famMailFoundry = family{name: "mailfoundry"}
