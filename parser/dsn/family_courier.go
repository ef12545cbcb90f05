package dsn

// famCourier: not recognised yet.
var famCourier = family{name: "courier"}
