package dsn

// famSendGrid: not recognised yet.
var famSendGrid = family{name: "sendgrid"}
