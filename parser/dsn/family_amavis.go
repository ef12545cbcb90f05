package dsn

// famAmavis: not recognised yet.
var famAmavis = family{name: "amavis"}
