package dsn

// famInterScanMSS: not recognised yet.
var famInterScanMSS = family{name: "interscanmss"}
