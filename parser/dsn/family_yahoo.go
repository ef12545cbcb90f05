package dsn

// famYahoo: not recognised yet.
var famYahoo = family{name: "yahoo"}
