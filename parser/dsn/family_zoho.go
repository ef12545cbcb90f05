package dsn

// famZoho: not recognised yet.
var famZoho = family{name: "zoho"}
