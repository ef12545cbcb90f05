package dsn

// famAmazonSES: not recognised yet.
var famAmazonSES = family{name: "amazonses"}
