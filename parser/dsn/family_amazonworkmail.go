package dsn

// famAmazonWorkMail: not recognised yet.
var famAmazonWorkMail = family{name: "amazonworkmail"}
