package dsn

// famOutlook: not recognised yet.
var famOutlook = family{name: "outlook"}
