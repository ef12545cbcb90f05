package dsn

// famApacheJames: not recognised yet.
var famApacheJames = family{name: "apachejames"}
